-- What the provider's systems answered: the token they created, and every delivery attempt.
ALTER TABLE habilitations ADD COLUMN token_id TEXT;
CREATE TABLE webhook_attempts (
    id BIGSERIAL PRIMARY KEY,
    outbox_id BIGINT NOT NULL REFERENCES outbox (id),
    demande_id BIGINT REFERENCES demandes (id),
    attempted_at TIMESTAMP NOT NULL,
    status INTEGER,
    duration_ms BIGINT NOT NULL,
    response TEXT
);
CREATE INDEX webhook_attempts_demande ON webhook_attempts (demande_id, id);

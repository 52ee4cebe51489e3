-- Message templates a provider's managers write for its instructors, per kind
-- (request_changes, refuse, approve, message); variables checked when saved.
CREATE TABLE message_templates (
    id BIGSERIAL PRIMARY KEY,
    provider TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX message_templates_provider ON message_templates (provider, kind);

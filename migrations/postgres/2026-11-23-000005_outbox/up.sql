-- Emails (and later webhooks) waiting to leave, written in the transaction of the event that
-- causes them; a worker delivers them with retries. Nothing is lost if SMTP is down.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    demande_id BIGINT REFERENCES demandes (id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    unsubscribe_url TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    delivered_at TIMESTAMP,
    failed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_demande ON outbox (demande_id);

-- Notification kinds a person switched off, per provider (absent: on).
CREATE TABLE notification_prefs (
    user_id BIGINT NOT NULL REFERENCES users (id),
    provider TEXT NOT NULL,
    kind TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, provider, kind)
);

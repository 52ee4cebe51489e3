-- Weekly digests sent: one row per person, provider and ISO week ("2026-W48"), written in the
-- transaction that queues the email, so a digest is never sent twice in a week.
CREATE TABLE weekly_digests (
    user_id BIGINT NOT NULL REFERENCES users (id),
    provider TEXT NOT NULL,
    week TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, provider, week)
);

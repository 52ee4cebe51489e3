-- Sessions known to the server: the cookie carries a random token whose hash is kept here, so
-- signing out (here or everywhere) ends a session even when its cookie was copied.
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A membership lapses when the person signs in for another organisation, or an admin removes it.
ALTER TABLE memberships ADD COLUMN lapsed_at TIMESTAMP;

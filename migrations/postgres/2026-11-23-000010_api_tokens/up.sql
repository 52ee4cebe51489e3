-- Tokens of providers' systems for the rights API: only a hash is kept.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    provider TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

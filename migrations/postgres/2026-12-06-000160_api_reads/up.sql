-- Every read of the rights API: which token, which route, what it returned (public ids), when.
CREATE TABLE api_reads (
    id BIGSERIAL PRIMARY KEY,
    token_id BIGINT NOT NULL REFERENCES api_tokens (id),
    provider TEXT NOT NULL,
    route TEXT NOT NULL,
    returned TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX api_reads_provider_at ON api_reads (provider, at);
CREATE INDEX api_reads_at ON api_reads (at);

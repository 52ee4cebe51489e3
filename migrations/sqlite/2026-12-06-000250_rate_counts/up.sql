-- Sign-in and rights-API rate limits, counted per minute in the database so that they hold
-- across every instance of the portal (PostgreSQL; one SQLite instance counts in memory).
CREATE TABLE rate_counts (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    minute BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (scope, key, minute)
);
CREATE INDEX rate_counts_minute ON rate_counts (minute);

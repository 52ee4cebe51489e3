-- The dashboard's tab counts: how many submitted-at-least-once demandes each provider has in
-- each state, kept by triggers in the same transaction as every change of a demande, so that
-- counting a tab reads a handful of rows however large the table grows.
CREATE TABLE demande_counts (
    provider TEXT NOT NULL,
    state TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (provider, state)
);
INSERT INTO demande_counts (provider, state, n)
    SELECT provider, state, count(*) FROM demandes
     WHERE last_submitted_at IS NOT NULL
     GROUP BY provider, state;

CREATE TRIGGER demande_counts_insert AFTER INSERT ON demandes
WHEN new.last_submitted_at IS NOT NULL BEGIN
    INSERT INTO demande_counts (provider, state, n) VALUES (new.provider, new.state, 1)
        ON CONFLICT (provider, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER demande_counts_delete AFTER DELETE ON demandes
WHEN old.last_submitted_at IS NOT NULL BEGIN
    UPDATE demande_counts SET n = n - 1 WHERE provider = old.provider AND state = old.state;
END;
CREATE TRIGGER demande_counts_update AFTER UPDATE OF provider, state, last_submitted_at ON demandes
WHEN old.provider IS NOT new.provider OR old.state IS NOT new.state
  OR (old.last_submitted_at IS NULL) <> (new.last_submitted_at IS NULL) BEGIN
    UPDATE demande_counts SET n = n - 1
     WHERE old.last_submitted_at IS NOT NULL AND provider = old.provider AND state = old.state;
    INSERT INTO demande_counts (provider, state, n)
        SELECT new.provider, new.state, 1 WHERE new.last_submitted_at IS NOT NULL
        ON CONFLICT (provider, state) DO UPDATE SET n = n + 1;
END;

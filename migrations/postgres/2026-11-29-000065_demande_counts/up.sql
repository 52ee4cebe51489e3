-- The dashboard's tab counts: how many submitted-at-least-once demandes each provider has in
-- each state, kept by a trigger in the same transaction as every change of a demande, so that
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

CREATE FUNCTION demande_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was BOOLEAN := TG_OP <> 'INSERT' AND OLD.last_submitted_at IS NOT NULL;
    now_counted BOOLEAN := TG_OP <> 'DELETE' AND NEW.last_submitted_at IS NOT NULL;
BEGIN
    IF TG_OP = 'UPDATE' AND was = now_counted
       AND OLD.provider = NEW.provider AND OLD.state = NEW.state THEN
        RETURN NULL;
    END IF;
    -- Counter rows are locked in one order (provider, state), whatever the direction of the
    -- change: two opposite transitions at once wait for each other instead of deadlocking.
    IF was AND (NOT now_counted OR (OLD.provider, OLD.state) < (NEW.provider, NEW.state)) THEN
        UPDATE demande_counts SET n = n - 1 WHERE provider = OLD.provider AND state = OLD.state;
        was := FALSE;
    END IF;
    IF now_counted THEN
        INSERT INTO demande_counts (provider, state, n) VALUES (NEW.provider, NEW.state, 1)
            ON CONFLICT (provider, state) DO UPDATE SET n = demande_counts.n + 1;
    END IF;
    IF was THEN
        UPDATE demande_counts SET n = n - 1 WHERE provider = OLD.provider AND state = OLD.state;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER demandes_counted
    AFTER INSERT OR DELETE OR UPDATE OF provider, state, last_submitted_at ON demandes
    FOR EACH ROW EXECUTE FUNCTION demande_counts_follow();

-- A version per provider that moves on, in the same transaction, with every change of what an
-- instruction dashboard shows of its demandes: a submitted demande written or deleted, a
-- message, a message read. The server keeps dashboards it has read under the sum of these
-- versions, read with the session on every request: an unchanged sum means an unchanged
-- dashboard, a change of any kind means a new read.
CREATE TABLE demande_versions (
    provider TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO demande_versions (provider, version) SELECT DISTINCT provider, 1 FROM demandes;

-- Rows are locked in one order (by provider), so two transactions never wait for each other
-- in a circle.
CREATE FUNCTION demande_versions_bump(providers TEXT[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO demande_versions AS v (provider, version)
        SELECT DISTINCT p, 1 FROM unnest(providers) AS p WHERE p IS NOT NULL ORDER BY 1
        ON CONFLICT (provider) DO UPDATE SET version = v.version + 1;
$$;

-- Once per statement, not per row: a bulk load moves each version once per batch.
CREATE FUNCTION demande_versions_of_demandes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM demande_versions_bump(ARRAY(
            SELECT provider FROM new_rows WHERE last_submitted_at IS NOT NULL));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM demande_versions_bump(ARRAY(
            SELECT provider FROM old_rows WHERE last_submitted_at IS NOT NULL));
    ELSE
        PERFORM demande_versions_bump(ARRAY(
            SELECT provider FROM new_rows WHERE last_submitted_at IS NOT NULL
            UNION SELECT provider FROM old_rows WHERE last_submitted_at IS NOT NULL));
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION demande_versions_of_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM demande_versions_bump(ARRAY(
        SELECT d.provider FROM new_rows r JOIN demandes d ON d.id = r.demande_id));
    RETURN NULL;
END;
$$;

CREATE TRIGGER demande_versions_insert AFTER INSERT ON demandes
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demande_versions_of_demandes();
CREATE TRIGGER demande_versions_update AFTER UPDATE ON demandes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demande_versions_of_demandes();
CREATE TRIGGER demande_versions_delete AFTER DELETE ON demandes
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demande_versions_of_demandes();
CREATE TRIGGER demande_versions_message AFTER INSERT ON messages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demande_versions_of_messages();
CREATE TRIGGER demande_versions_read_insert AFTER INSERT ON message_reads
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demande_versions_of_messages();
CREATE TRIGGER demande_versions_read_update AFTER UPDATE ON message_reads
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demande_versions_of_messages();

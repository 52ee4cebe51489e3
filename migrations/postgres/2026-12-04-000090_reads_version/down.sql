DROP TRIGGER users_reads_update ON message_reads;
DROP TRIGGER users_reads_insert ON message_reads;
DROP FUNCTION users_reads_follow();
CREATE TRIGGER demande_versions_read_insert AFTER INSERT ON message_reads
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demande_versions_of_messages();
CREATE TRIGGER demande_versions_read_update AFTER UPDATE ON message_reads
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demande_versions_of_messages();
ALTER TABLE users DROP COLUMN reads_version;

DROP TRIGGER demande_versions_read_update;
DROP TRIGGER demande_versions_read_insert;
DROP TRIGGER demande_versions_message;
DROP TRIGGER demande_versions_delete;
DROP TRIGGER demande_versions_update;
DROP TRIGGER demande_versions_insert;
DROP TABLE demande_versions;

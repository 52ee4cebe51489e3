DROP TRIGGER users_reads_update;
DROP TRIGGER users_reads_insert;
CREATE TRIGGER demande_versions_read_insert AFTER INSERT ON message_reads BEGIN
    INSERT INTO demande_versions (provider, version)
        SELECT provider, 1 FROM demandes WHERE id = new.demande_id
        ON CONFLICT (provider) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER demande_versions_read_update AFTER UPDATE ON message_reads BEGIN
    INSERT INTO demande_versions (provider, version)
        SELECT provider, 1 FROM demandes WHERE id = new.demande_id
        ON CONFLICT (provider) DO UPDATE SET version = version + 1;
END;
ALTER TABLE users DROP COLUMN reads_version;

-- A version per provider that moves on, in the same transaction, with every change of what an
-- instruction dashboard shows of its demandes: a submitted demande written or deleted, a
-- message, a message read. The server keeps dashboards it has read under the sum of these
-- versions, read with the session on every request: an unchanged sum means an unchanged
-- dashboard, a change of any kind means a new read.
CREATE TABLE demande_versions (
    provider TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO demande_versions (provider, version) SELECT DISTINCT provider, 1 FROM demandes;

CREATE TRIGGER demande_versions_insert AFTER INSERT ON demandes
WHEN new.last_submitted_at IS NOT NULL BEGIN
    INSERT INTO demande_versions (provider, version) VALUES (new.provider, 1)
        ON CONFLICT (provider) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER demande_versions_update AFTER UPDATE ON demandes
WHEN old.last_submitted_at IS NOT NULL OR new.last_submitted_at IS NOT NULL BEGIN
    INSERT INTO demande_versions (provider, version) VALUES (new.provider, 1)
        ON CONFLICT (provider) DO UPDATE SET version = version + 1;
    UPDATE demande_versions SET version = version + 1
     WHERE provider = old.provider AND old.provider IS NOT new.provider;
END;
CREATE TRIGGER demande_versions_delete AFTER DELETE ON demandes
WHEN old.last_submitted_at IS NOT NULL BEGIN
    UPDATE demande_versions SET version = version + 1 WHERE provider = old.provider;
END;
CREATE TRIGGER demande_versions_message AFTER INSERT ON messages BEGIN
    INSERT INTO demande_versions (provider, version)
        SELECT provider, 1 FROM demandes WHERE id = new.demande_id
        ON CONFLICT (provider) DO UPDATE SET version = version + 1;
END;
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

-- The instruction dashboard: words searched with FTS5 (accents ignored), exact keys with
-- equality indexes, every sort column with (column, id) for keyset pagination.
CREATE VIRTUAL TABLE demandes_fts USING fts5(
    intitule, organisation_name,
    content = 'demandes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER demandes_fts_insert AFTER INSERT ON demandes BEGIN
    INSERT INTO demandes_fts (rowid, intitule, organisation_name) VALUES (new.id, new.intitule, new.organisation_name);
END;
CREATE TRIGGER demandes_fts_delete AFTER DELETE ON demandes BEGIN
    INSERT INTO demandes_fts (demandes_fts, rowid, intitule, organisation_name)
        VALUES ('delete', old.id, old.intitule, old.organisation_name);
END;
CREATE TRIGGER demandes_fts_update AFTER UPDATE OF intitule, organisation_name ON demandes BEGIN
    INSERT INTO demandes_fts (demandes_fts, rowid, intitule, organisation_name)
        VALUES ('delete', old.id, old.intitule, old.organisation_name);
    INSERT INTO demandes_fts (rowid, intitule, organisation_name) VALUES (new.id, new.intitule, new.organisation_name);
END;
INSERT INTO demandes_fts (rowid, intitule, organisation_name) SELECT id, intitule, organisation_name FROM demandes;

CREATE INDEX demandes_submitted_id ON demandes (last_submitted_at, id);
CREATE INDEX demandes_updated_id ON demandes (updated_at, id);
CREATE INDEX demandes_organisation_name_id ON demandes (organisation_name, id);
CREATE INDEX demandes_intitule_id ON demandes (intitule, id);
CREATE INDEX demandes_siret ON demandes (siret);
CREATE INDEX demandes_applicant_email ON demandes (applicant_email);
CREATE INDEX habilitations_provider ON habilitations (provider, state, expires_at);

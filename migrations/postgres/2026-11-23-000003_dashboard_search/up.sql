-- The instruction dashboard: words searched with full-text search (French stemming, accents
-- ignored), exact keys with equality indexes, every sort column with (column, id) for keyset
-- pagination.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION habilis_fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION habilis_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

ALTER TABLE demandes ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('habilis_fr'::regconfig, intitule || ' ' || organisation_name)) STORED;
CREATE INDEX demandes_search ON demandes USING GIN (search);

CREATE INDEX demandes_submitted_id ON demandes (last_submitted_at, id);
CREATE INDEX demandes_updated_id ON demandes (updated_at, id);
CREATE INDEX demandes_organisation_name_id ON demandes (organisation_name, id);
CREATE INDEX demandes_intitule_id ON demandes (intitule, id);
CREATE INDEX demandes_siret ON demandes (siret);
CREATE INDEX demandes_applicant_email ON demandes (applicant_email);
CREATE INDEX habilitations_provider ON habilitations (provider, state, expires_at);

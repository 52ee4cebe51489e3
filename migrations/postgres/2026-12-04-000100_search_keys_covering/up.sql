-- The tab counts of a SIRET or an email search read up to 1,001 of its demandes' states: with
-- the provider and the state in the index they are read from it alone, without a visit to the
-- table per demande (an organisation with 5,000 demandes at a million).
DROP INDEX demandes_siret_submitted_id;
DROP INDEX demandes_applicant_email_submitted_id;
CREATE INDEX demandes_siret_submitted_id ON demandes (siret, last_submitted_at, id)
    INCLUDE (provider, state);
CREATE INDEX demandes_applicant_email_submitted_id ON demandes (applicant_email, last_submitted_at, id)
    INCLUDE (provider, state);

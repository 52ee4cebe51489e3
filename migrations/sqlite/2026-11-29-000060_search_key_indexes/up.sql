-- A search by SIRET or by the applicant's email lists its matches newest first: with the
-- sort columns in the index, the database reads the first page in order instead of fetching
-- and sorting every match.
DROP INDEX demandes_siret;
DROP INDEX demandes_applicant_email;
CREATE INDEX demandes_siret_submitted_id ON demandes (siret, last_submitted_at, id);
CREATE INDEX demandes_applicant_email_submitted_id ON demandes (applicant_email, last_submitted_at, id);

DROP INDEX demandes_siret_submitted_id;
DROP INDEX demandes_applicant_email_submitted_id;
CREATE INDEX demandes_siret_submitted_id ON demandes (siret, last_submitted_at, id);
CREATE INDEX demandes_applicant_email_submitted_id ON demandes (applicant_email, last_submitted_at, id);

DROP INDEX demandes_siret_submitted_id;
DROP INDEX demandes_applicant_email_submitted_id;
CREATE INDEX demandes_siret ON demandes (siret);
CREATE INDEX demandes_applicant_email ON demandes (applicant_email);

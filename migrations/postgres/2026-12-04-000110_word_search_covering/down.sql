DROP INDEX demandes_submitted_id;
CREATE INDEX demandes_submitted_id ON demandes (last_submitted_at, id);

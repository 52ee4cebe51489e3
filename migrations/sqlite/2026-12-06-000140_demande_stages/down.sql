DROP INDEX demandes_previous;
ALTER TABLE demandes DROP COLUMN previous_id;
ALTER TABLE demandes DROP COLUMN stage;

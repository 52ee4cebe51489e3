DROP INDEX demandes_assigned;
ALTER TABLE demandes DROP COLUMN assigned_to;

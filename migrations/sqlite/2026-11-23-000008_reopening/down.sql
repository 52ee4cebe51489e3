ALTER TABLE demandes DROP COLUMN reopening;

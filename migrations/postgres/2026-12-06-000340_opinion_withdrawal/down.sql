DROP INDEX opinions_one_open;
CREATE UNIQUE INDEX opinions_one_open ON opinions (demande_id) WHERE answered_at IS NULL;
ALTER TABLE opinions DROP COLUMN withdrawn_by;
ALTER TABLE opinions DROP COLUMN withdrawn_at;

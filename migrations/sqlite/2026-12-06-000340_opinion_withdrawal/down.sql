-- A withdrawn opinion counts as closed under the older index: closed the only way it knows.
UPDATE opinions SET answered_at = withdrawn_at WHERE withdrawn_at IS NOT NULL AND answered_at IS NULL;
DROP INDEX opinions_one_open;
CREATE UNIQUE INDEX opinions_one_open ON opinions (demande_id) WHERE answered_at IS NULL;
ALTER TABLE opinions DROP COLUMN withdrawn_by;
ALTER TABLE opinions DROP COLUMN withdrawn_at;

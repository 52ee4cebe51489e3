-- An instructor withdraws an opinion nobody answers (the person asked left, or the demande was
-- decided meanwhile): it no longer blocks asking another one on the demande.
ALTER TABLE opinions ADD COLUMN withdrawn_at TIMESTAMP;
ALTER TABLE opinions ADD COLUMN withdrawn_by BIGINT;
DROP INDEX opinions_one_open;
CREATE UNIQUE INDEX opinions_one_open ON opinions (demande_id) WHERE answered_at IS NULL AND withdrawn_at IS NULL;

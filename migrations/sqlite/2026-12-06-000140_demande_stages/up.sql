-- A provider may declare ordered stages (sandbox, then production): a demande is of one, and
-- a next stage's demande names the validated one it follows.
ALTER TABLE demandes ADD COLUMN stage TEXT;
ALTER TABLE demandes ADD COLUMN previous_id BIGINT REFERENCES demandes (id);
CREATE INDEX demandes_previous ON demandes (previous_id) WHERE previous_id IS NOT NULL;

-- A validated demande being updated: back in draft while its habilitation stays active.
ALTER TABLE demandes ADD COLUMN reopening BOOLEAN NOT NULL DEFAULT FALSE;

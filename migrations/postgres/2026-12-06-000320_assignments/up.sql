-- The instructor a submitted demande is assigned to, chosen from the dashboard (one or several
-- demandes at once): shown in the list and on the demande, emailed to that person, and the
-- dashboard's "assigned to me" filter reads it through the index below (few rows per person).
ALTER TABLE demandes ADD COLUMN assigned_to BIGINT REFERENCES users (id);
CREATE INDEX demandes_assigned ON demandes (assigned_to, last_submitted_at) WHERE assigned_to IS NOT NULL;

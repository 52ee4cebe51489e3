-- Unread messages are found from the messages of one side (the applicants' for instructors,
-- the instructors' for applicants): for the demandes a page shows, and for the dashboard's
-- capped count, without walking the table of demandes. Covering: no table lookup.
CREATE INDEX messages_side_demande ON messages (from_instructor, demande_id, id);

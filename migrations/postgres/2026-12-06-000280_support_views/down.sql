ALTER TABLE sessions DROP COLUMN viewing_until;
ALTER TABLE sessions DROP COLUMN viewing_started_at;
ALTER TABLE sessions DROP COLUMN viewing_reason;
ALTER TABLE sessions DROP COLUMN viewing_as;

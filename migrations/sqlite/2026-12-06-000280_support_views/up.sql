-- Support without passwords: an admin's session may show the portal as another person sees
-- it, read-only, for a limited time, with a reason; the person is emailed when it ends.
ALTER TABLE sessions ADD COLUMN viewing_as BIGINT;
ALTER TABLE sessions ADD COLUMN viewing_reason TEXT;
ALTER TABLE sessions ADD COLUMN viewing_started_at TIMESTAMP;
ALTER TABLE sessions ADD COLUMN viewing_until TIMESTAMP;

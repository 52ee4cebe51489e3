-- An admin may block an account (support, abuse): it signs in no more and its sessions end,
-- until an admin unblocks it. The reason is shown to the person when sign-in is refused.
ALTER TABLE users ADD COLUMN banned_at TIMESTAMP;
ALTER TABLE users ADD COLUMN ban_reason TEXT;

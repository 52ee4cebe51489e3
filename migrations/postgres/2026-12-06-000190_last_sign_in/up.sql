-- When each account last signed in: the access review's "roles never used" and, later, the
-- lapsing of accounts unused for too long.
ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMP;

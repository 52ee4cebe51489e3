-- Accounts unused for too long lapse: warned 15 days before, then disabled (no sign-in, no
-- role), then erased (personal data replaced; their demandes stay with their organisation).
-- An admin may reactivate a disabled account: the count of unused days starts again then.
ALTER TABLE users ADD COLUMN lapse_warned_at TIMESTAMP;
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN reactivated_at TIMESTAMP;
ALTER TABLE users ADD COLUMN erased_at TIMESTAMP;

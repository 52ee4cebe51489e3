ALTER TABLE users DROP COLUMN erased_at;
ALTER TABLE users DROP COLUMN reactivated_at;
ALTER TABLE users DROP COLUMN disabled_at;
ALTER TABLE users DROP COLUMN lapse_warned_at;

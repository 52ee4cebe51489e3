ALTER TABLE memberships DROP COLUMN lapsed_at;
DROP TABLE sessions;

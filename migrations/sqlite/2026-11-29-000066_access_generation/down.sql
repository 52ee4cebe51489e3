DROP TRIGGER organisations_access;
DROP TRIGGER memberships_access_delete;
DROP TRIGGER memberships_access_update;
DROP TRIGGER memberships_access_insert;
DROP TRIGGER roles_access_delete;
DROP TRIGGER roles_access_update;
DROP TRIGGER roles_access_insert;
ALTER TABLE users DROP COLUMN access_generation;

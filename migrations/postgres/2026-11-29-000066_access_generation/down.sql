DROP TRIGGER organisations_access ON organisations;
DROP TRIGGER memberships_access ON memberships;
DROP TRIGGER roles_access ON roles;
DROP FUNCTION users_access_changed();
ALTER TABLE users DROP COLUMN access_generation;

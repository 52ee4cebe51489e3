DROP INDEX users_oidc_sub;
ALTER TABLE users DROP COLUMN oidc_sub;

-- The identity provider's subject of a person, to recognise them when their email changes.
ALTER TABLE users ADD COLUMN oidc_sub TEXT;
CREATE UNIQUE INDEX users_oidc_sub ON users (oidc_sub);

-- What a habilitation allows beyond its scopes, as granted (actions and filters per scope, the
-- maximum confidentiality level), as JSON; empty for a provider that declares none and for
-- habilitations granted before.
ALTER TABLE habilitations ADD COLUMN rights TEXT NOT NULL DEFAULT '';

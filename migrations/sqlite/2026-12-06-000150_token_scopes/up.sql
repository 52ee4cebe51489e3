-- Each rights-API token reads what its scopes allow; a token made before keeps reading what
-- the API served then.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'habilitations:read demandes:read';

DROP TABLE webhook_attempts;
ALTER TABLE habilitations DROP COLUMN token_id;

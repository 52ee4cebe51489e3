UPDATE outbox SET subject = secret_env WHERE kind = 'webhook';
ALTER TABLE outbox DROP COLUMN secret_env;

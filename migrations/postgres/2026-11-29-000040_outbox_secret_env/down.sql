UPDATE outbox SET subject = secret_env WHERE kind = 'webhook' AND secret_env IS NOT NULL;
ALTER TABLE outbox DROP COLUMN secret_env;

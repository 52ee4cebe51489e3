-- A webhook row names the variable holding its signing secret in a column of its own (it was
-- kept in `subject`, a column meant for emails).
ALTER TABLE outbox ADD COLUMN secret_env TEXT;
UPDATE outbox SET secret_env = subject, subject = '' WHERE kind = 'webhook';

-- A webhook row names the variable holding its signing secret in a column of its own (it was
-- kept in `subject`, a column meant for emails). Expand only: `subject` keeps its old value for
-- rows written before, which a worker reads when `secret_env` is empty.
ALTER TABLE outbox ADD COLUMN secret_env TEXT;
UPDATE outbox SET secret_env = subject WHERE kind = 'webhook';

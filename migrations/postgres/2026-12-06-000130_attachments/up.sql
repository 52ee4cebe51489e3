-- Files attached to a demande: metadata here, bytes in the file store under `storage_key`.
-- A row stays when its bytes are deleted (`deleted_at`): the history still names the file.
CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    demande_id BIGINT NOT NULL REFERENCES demandes (id),
    field TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    added_by BIGINT REFERENCES users (id),
    added_by_name TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX attachments_demande ON attachments (demande_id);

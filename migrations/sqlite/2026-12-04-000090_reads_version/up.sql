-- A message read changes the unread badges of the person who read it, no one else's: it moves
-- on that person's own `reads_version` (read with the session), instead of the provider's
-- version, which would make every kept dashboard of the provider be read again.
ALTER TABLE users ADD COLUMN reads_version BIGINT NOT NULL DEFAULT 0;

DROP TRIGGER demande_versions_read_update;
DROP TRIGGER demande_versions_read_insert;

CREATE TRIGGER users_reads_insert AFTER INSERT ON message_reads BEGIN
    UPDATE users SET reads_version = reads_version + 1 WHERE id = new.user_id;
END;
CREATE TRIGGER users_reads_update AFTER UPDATE ON message_reads BEGIN
    UPDATE users SET reads_version = reads_version + 1 WHERE id = new.user_id;
END;

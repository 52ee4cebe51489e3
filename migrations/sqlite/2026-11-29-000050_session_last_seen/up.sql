-- The idle timeout is kept on the server too: a copied cookie kept in use cannot keep a
-- session alive that its owner left.
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;

-- Notices a provider's managers send to every organisation holding an active habilitation of
-- theirs (a change of API, a new legal rule). The form's token is unique: a double click
-- sends once.
CREATE TABLE holder_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_by BIGINT NOT NULL REFERENCES users (id),
    sent_at TIMESTAMP NOT NULL,
    recipients BIGINT NOT NULL,
    token TEXT NOT NULL UNIQUE
);

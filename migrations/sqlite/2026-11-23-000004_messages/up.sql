-- Messages between applicants and instructors on a demande, and what each person has read.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    demande_id BIGINT NOT NULL REFERENCES demandes (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    from_instructor BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_demande ON messages (demande_id, id);

CREATE TABLE message_reads (
    user_id BIGINT NOT NULL REFERENCES users (id),
    demande_id BIGINT NOT NULL REFERENCES demandes (id),
    last_read_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, demande_id)
);

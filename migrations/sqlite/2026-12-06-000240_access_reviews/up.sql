-- Access review campaigns: every role holder (and every admin) as the campaign started, each
-- to be confirmed or removed by the provider's managers (admins by another admin) before the
-- deadline; what is left undecided then is suspended. One campaign open at a time.
CREATE TABLE access_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TIMESTAMP NOT NULL,
    deadline TIMESTAMP NOT NULL,
    started_by TEXT NOT NULL,
    reminded_at TIMESTAMP,
    closed_at TIMESTAMP
);
CREATE UNIQUE INDEX access_reviews_one_open ON access_reviews ((closed_at IS NULL))
    WHERE closed_at IS NULL;
CREATE TABLE access_review_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id BIGINT NOT NULL REFERENCES access_reviews (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- '' for the admin role.
    provider TEXT NOT NULL,
    role TEXT NOT NULL,
    -- kept, removed or suspended; none while undecided.
    decision TEXT,
    decided_by TEXT,
    decided_at TIMESTAMP,
    UNIQUE (review_id, user_id, provider, role)
);
CREATE INDEX access_review_items_review ON access_review_items (review_id, provider);

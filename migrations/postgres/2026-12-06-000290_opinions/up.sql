-- Opinions (avis): an instructor asks a reporter or another instructor of the provider for an
-- opinion on a demande, with a question; the person answers on the demande's instruction page.
-- One open request at a time per demande. Never shown to the applicant.
CREATE TABLE opinions (
    id BIGSERIAL PRIMARY KEY,
    demande_id BIGINT NOT NULL REFERENCES demandes (id),
    asked_by BIGINT NOT NULL REFERENCES users (id),
    asked_to BIGINT NOT NULL REFERENCES users (id),
    question TEXT NOT NULL,
    asked_at TIMESTAMP NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP
);
CREATE INDEX opinions_demande ON opinions (demande_id);
CREATE UNIQUE INDEX opinions_one_open ON opinions (demande_id) WHERE answered_at IS NULL;

-- Drafts an instructor prepares for an organisation (by SIRET), inviting one of its agents by
-- email to the demande's page: any agent of that organisation may claim the draft there, once
-- (claimed_at guards it), and becomes its applicant. No token: membership is what allows it.
CREATE TABLE prepared_drafts (
    id BIGSERIAL PRIMARY KEY,
    demande_id BIGINT NOT NULL UNIQUE REFERENCES demandes (id),
    prepared_by BIGINT NOT NULL REFERENCES users (id),
    invited_email TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    claimed_by BIGINT REFERENCES users (id),
    claimed_at TIMESTAMP
);
CREATE INDEX prepared_drafts_by ON prepared_drafts (prepared_by, created_at);

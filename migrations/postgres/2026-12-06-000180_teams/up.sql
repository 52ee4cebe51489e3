-- Teams: named groups of an organisation's agents, managed by their admins; a habilitation is
-- shared with teams or with named agents, who may then use it (the per-agent rights API).
CREATE TABLE teams (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organisation_id, name)
);
CREATE TABLE team_members (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    added_at TIMESTAMP NOT NULL,
    UNIQUE (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);
CREATE TABLE habilitation_shares (
    id BIGSERIAL PRIMARY KEY,
    habilitation_id BIGINT NOT NULL REFERENCES habilitations (id),
    team_id BIGINT REFERENCES teams (id),
    user_id BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((team_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX habilitation_shares_habilitation ON habilitation_shares (habilitation_id);
CREATE INDEX habilitation_shares_team ON habilitation_shares (team_id);
CREATE INDEX habilitation_shares_user ON habilitation_shares (user_id);

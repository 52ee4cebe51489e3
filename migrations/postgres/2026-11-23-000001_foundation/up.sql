-- Foundation: people, organisations, roles, demandes, their events and habilitations.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    siret TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    naf TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    verified BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, organisation_id)
);

CREATE TABLE roles (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    provider TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, provider, role)
);
CREATE INDEX roles_provider ON roles (provider, role);

CREATE TABLE demandes (
    id BIGSERIAL PRIMARY KEY,
    provider TEXT NOT NULL,
    template TEXT,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    applicant_id BIGINT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL,
    answers TEXT NOT NULL,
    scopes TEXT NOT NULL,
    intitule TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    siret TEXT NOT NULL,
    applicant_email TEXT NOT NULL,
    lock_version INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_submitted_at TIMESTAMP
);
CREATE INDEX demandes_provider_state_submitted ON demandes (provider, state, last_submitted_at);
CREATE INDEX demandes_organisation ON demandes (organisation_id, updated_at);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    demande_id BIGINT NOT NULL REFERENCES demandes (id),
    actor_id BIGINT REFERENCES users (id),
    name TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    reason TEXT,
    diff TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX events_demande ON events (demande_id, id);

CREATE TABLE habilitations (
    id BIGSERIAL PRIMARY KEY,
    demande_id BIGINT NOT NULL REFERENCES demandes (id),
    provider TEXT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    scopes TEXT NOT NULL,
    answers TEXT NOT NULL,
    state TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX habilitations_demande ON habilitations (demande_id);
CREATE INDEX habilitations_organisation ON habilitations (organisation_id);

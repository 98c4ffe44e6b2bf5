-- Identities, their credentials and addresses, and sessions: the identity
-- head's data model. Everything an instance needs lives here, so instances
-- stay stateless.

-- +goose Up
CREATE TABLE identities (
    id               uuid PRIMARY KEY,
    schema_id        text        NOT NULL,
    state            text        NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
    state_changed_at timestamptz,
    traits           jsonb       NOT NULL,
    metadata_public  jsonb,
    metadata_admin   jsonb,
    available_aal    text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
-- Keyset pagination walks (id) in order.

CREATE TABLE identity_credentials (
    id          uuid PRIMARY KEY,
    identity_id uuid        NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    type        text        NOT NULL,
    config      jsonb       NOT NULL DEFAULT '{}',
    version     integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (identity_id, type)
);

-- One row per identifier; the unique index makes "exactly one of two
-- concurrent creates wins" a property of the database, not of the code.
CREATE TABLE identity_credential_identifiers (
    id            uuid PRIMARY KEY,
    credential_id uuid        NOT NULL REFERENCES identity_credentials (id) ON DELETE CASCADE,
    identity_id   uuid        NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    type          text        NOT NULL,
    identifier    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    CONSTRAINT identity_credential_identifiers_type_identifier_key UNIQUE (type, identifier)
);
CREATE INDEX identity_credential_identifiers_identity_idx ON identity_credential_identifiers (identity_id);

CREATE TABLE identity_verifiable_addresses (
    id          uuid PRIMARY KEY,
    identity_id uuid        NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    via         text        NOT NULL,
    value       text        NOT NULL,
    verified    boolean     NOT NULL DEFAULT false,
    verified_at timestamptz,
    status      text        NOT NULL DEFAULT 'pending',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT identity_verifiable_addresses_via_value_key UNIQUE (via, value)
);
CREATE INDEX identity_verifiable_addresses_identity_idx ON identity_verifiable_addresses (identity_id);

CREATE TABLE identity_recovery_addresses (
    id          uuid PRIMARY KEY,
    identity_id uuid        NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    via         text        NOT NULL,
    value       text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT identity_recovery_addresses_via_value_key UNIQUE (via, value)
);
CREATE INDEX identity_recovery_addresses_identity_idx ON identity_recovery_addresses (identity_id);

-- Sessions are found by the SHA-256 of their token; the token itself is
-- never stored.
CREATE TABLE sessions (
    id                     uuid PRIMARY KEY,
    token_hash             bytea       NOT NULL UNIQUE,
    logout_token_hash      bytea       UNIQUE,
    identity_id            uuid        NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    active                 boolean     NOT NULL DEFAULT true,
    aal                    text        NOT NULL DEFAULT 'aal1',
    authentication_methods jsonb       NOT NULL DEFAULT '[]',
    issued_at              timestamptz NOT NULL,
    authenticated_at       timestamptz NOT NULL,
    expires_at             timestamptz NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX sessions_identity_idx ON sessions (identity_id, created_at);

CREATE TABLE session_devices (
    id          uuid PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    ip_address  text,
    user_agent  text,
    location    text,
    created_at  timestamptz NOT NULL
);
CREATE INDEX session_devices_session_idx ON session_devices (session_id);

-- +goose Down
DROP TABLE session_devices;
DROP TABLE sessions;
DROP TABLE identity_recovery_addresses;
DROP TABLE identity_verifiable_addresses;
DROP TABLE identity_credential_identifiers;
DROP TABLE identity_credentials;
DROP TABLE identities;

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
    -- The highest assurance level the identity's credentials allow
    -- (aal0: none, aal1: a first factor, aal2: a second factor too);
    -- whoami's highest_available check reads it without loading credentials.
    available_aal    text        NOT NULL DEFAULT 'aal0' CHECK (available_aal IN ('aal0', 'aal1', 'aal2')),
    organization_id  uuid,
    -- The identity as /sessions/whoami embeds it (no credentials, no
    -- metadata_admin, no schema_url), rewritten by every identity write in
    -- the same transaction. Session lookup, the hottest query in the
    -- product, returns it as stored instead of assembling it per request.
    -- json, not jsonb: returned byte for byte with no re-serialisation.
    document         json        NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
-- Keyset pagination walks the primary key in order.

CREATE TABLE identity_credentials (
    id          uuid PRIMARY KEY,
    identity_id uuid        NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    type        text        NOT NULL,
    config      jsonb       NOT NULL DEFAULT '{}',
    version     integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT identity_credentials_identity_type_key UNIQUE (identity_id, type)
);

-- One row per identifier; the unique constraint makes "exactly one of two
-- concurrent creates wins" a property of the database, not of the code.
-- Identifiers are stored normalised (NFKC, case-folded for password, code
-- and webauthn identifiers), so the lookup at login is an equality match.
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
CREATE INDEX identity_credential_identifiers_identifier_idx ON identity_credential_identifiers (identifier);

CREATE TABLE identity_verifiable_addresses (
    id          uuid PRIMARY KEY,
    identity_id uuid        NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    via         text        NOT NULL,
    value       text        NOT NULL,
    verified    boolean     NOT NULL DEFAULT false,
    verified_at timestamptz,
    status      text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'completed')),
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
-- never stored. Devices and authentication methods are small lists read
-- with the session on every request, so they live in the row.
CREATE TABLE sessions (
    id                     uuid PRIMARY KEY,
    token_hash             bytea       NOT NULL,
    logout_token_hash      bytea,
    identity_id            uuid        NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    active                 boolean     NOT NULL DEFAULT true,
    aal                    text        NOT NULL DEFAULT 'aal1' CHECK (aal IN ('aal0', 'aal1', 'aal2', 'aal3')),
    authentication_methods json        NOT NULL DEFAULT '[]',
    devices                json        NOT NULL DEFAULT '[]',
    issued_at              timestamptz NOT NULL,
    authenticated_at       timestamptz NOT NULL,
    expires_at             timestamptz NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash),
    CONSTRAINT sessions_logout_token_hash_key UNIQUE (logout_token_hash)
);
CREATE INDEX sessions_identity_idx ON sessions (identity_id, created_at);

-- +goose Down
DROP TABLE sessions;
DROP TABLE identity_recovery_addresses;
DROP TABLE identity_verifiable_addresses;
DROP TABLE identity_credential_identifiers;
DROP TABLE identity_credentials;
DROP TABLE identities;

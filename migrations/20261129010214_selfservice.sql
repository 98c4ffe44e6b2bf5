-- Self-service flows, the errors shown to browsers, and the login throttle.
-- All of it is short-lived and pruned by a background worker; keeping it in
-- Postgres lets any instance continue what another one started.

-- +goose Up
CREATE TABLE selfservice_flows (
    id                     uuid PRIMARY KEY,
    kind                   text        NOT NULL CHECK (kind IN ('login', 'registration', 'settings')),
    type                   text        NOT NULL CHECK (type IN ('browser', 'api')),
    state                  text        NOT NULL,
    request_url            text        NOT NULL,
    return_to              text        NOT NULL DEFAULT '',
    ui                     jsonb       NOT NULL,
    -- SHA-256 of the browser's anti-CSRF token; NULL for API flows.
    csrf_token_hash        bytea,
    identity_id            uuid        REFERENCES identities (id) ON DELETE CASCADE,
    session_id             uuid        REFERENCES sessions (id) ON DELETE CASCADE,
    refresh                boolean     NOT NULL DEFAULT false,
    requested_aal          text        NOT NULL DEFAULT 'aal1',
    oauth2_login_challenge text        NOT NULL DEFAULT '',
    active                 text        NOT NULL DEFAULT '',
    issued_at              timestamptz NOT NULL,
    expires_at             timestamptz NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    used_at                timestamptz
);
CREATE INDEX selfservice_flows_expires_idx ON selfservice_flows (expires_at);

CREATE TABLE selfservice_errors (
    id         uuid PRIMARY KEY,
    error      jsonb       NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX selfservice_errors_created_idx ON selfservice_errors (created_at);

-- One row per throttled key: the SHA-256 of "identifier:<normalised id>" or
-- "ip:<address or /64>". Counting in one row per key keeps a failed login
-- to one upsert.
CREATE TABLE login_throttles (
    key          bytea PRIMARY KEY,
    failures     integer     NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);

-- +goose Down
DROP TABLE login_throttles;
DROP TABLE selfservice_errors;
DROP TABLE selfservice_flows;

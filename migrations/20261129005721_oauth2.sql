-- The OAuth2 / OpenID Connect head: clients, signing keys, fosite's token
-- sessions, login/consent/logout flows and remembered login sessions.
-- Tokens are found by the SHA-256 of their signature; neither tokens nor
-- signatures are stored. Request data and private keys are sealed with
-- secrets.system.

-- +goose Up
CREATE TABLE oauth2_clients (
    id          text PRIMARY KEY,
    -- KDF hash of the client secret; '' for public clients.
    secret_hash text        NOT NULL DEFAULT '',
    client_name text        NOT NULL DEFAULT '',
    owner       text        NOT NULL DEFAULT '',
    -- Every other OAuth2Client field, as JSON.
    body        jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX oauth2_clients_name_idx ON oauth2_clients (client_name);
CREATE INDEX oauth2_clients_owner_idx ON oauth2_clients (owner);

CREATE TABLE oauth2_keys (
    set_id         text        NOT NULL,
    kid            text        NOT NULL,
    alg            text        NOT NULL,
    use            text        NOT NULL DEFAULT 'sig',
    -- The private JWK sealed with secrets.system; NULL for imported public keys.
    private_sealed bytea,
    public_jwk     jsonb       NOT NULL,
    created_at     timestamptz NOT NULL,
    -- Set when a newer key took over signing: the key stays published until
    -- publish_until, when every token it signed has expired.
    retired_at     timestamptz,
    publish_until  timestamptz,
    PRIMARY KEY (set_id, kid)
);

-- One row per fosite session: access, refresh, code, oidc and pkce share a
-- shape. request_id groups a grant's tokens, so revoking a chain is one update.
CREATE TABLE oauth2_tokens (
    signature        bytea       NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('access', 'refresh', 'code', 'oidc', 'pkce')),
    request_id       text        NOT NULL,
    client_id        text        NOT NULL REFERENCES oauth2_clients (id) ON DELETE CASCADE,
    subject          text        NOT NULL DEFAULT '',
    -- The consent (flow id) this grant came from, for revoking consent sessions.
    flow_id          text,
    active           boolean     NOT NULL DEFAULT true,
    requested_at     timestamptz NOT NULL,
    expires_at       timestamptz,
    -- Refresh tokens: the access token issued beside them.
    access_signature bytea,
    session          bytea       NOT NULL,
    PRIMARY KEY (signature, kind)
);
CREATE INDEX oauth2_tokens_request_idx ON oauth2_tokens (request_id);
CREATE INDEX oauth2_tokens_flow_idx ON oauth2_tokens (flow_id) WHERE flow_id IS NOT NULL;
CREATE INDEX oauth2_tokens_expiry_idx ON oauth2_tokens (expires_at);

-- private_key_jwt assertion ids seen, against replay (RFC 7523 §3 item 7).
CREATE TABLE oauth2_jti (
    jti        bytea PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

-- Remembered logins: the browser holds a random token whose hash is here.
CREATE TABLE oauth2_login_sessions (
    id                            text PRIMARY KEY,
    token_hash                    bytea       NOT NULL UNIQUE,
    subject                       text        NOT NULL DEFAULT '',
    remember                      boolean     NOT NULL DEFAULT false,
    authenticated_at              timestamptz,
    expires_at                    timestamptz,
    identity_provider_session_id  text        NOT NULL DEFAULT '',
    created_at                    timestamptz NOT NULL
);
CREATE INDEX oauth2_login_sessions_subject_idx ON oauth2_login_sessions (subject);

-- One row per authorization attempt: the login request, then the consent
-- request. Challenges are handed to the login/consent app (admin API);
-- verifiers travel through the browser and are stored hashed.
CREATE TABLE oauth2_flows (
    id                 text PRIMARY KEY,
    consent_challenge  text UNIQUE,
    login_verifier     bytea UNIQUE,
    consent_verifier   bytea UNIQUE,
    csrf               bytea       NOT NULL,
    state              text        NOT NULL,
    client_id          text        NOT NULL REFERENCES oauth2_clients (id) ON DELETE CASCADE,
    subject            text        NOT NULL DEFAULT '',
    login_session_id   text,
    requested_at       timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    -- Consent sessions (handled, not revoked): what a later request may skip.
    consent_remember   boolean     NOT NULL DEFAULT false,
    consent_remember_until timestamptz,
    consent_handled_at timestamptz,
    data               jsonb       NOT NULL
);
CREATE INDEX oauth2_flows_subject_idx ON oauth2_flows (subject, client_id) WHERE consent_handled_at IS NOT NULL;
CREATE INDEX oauth2_flows_login_session_idx ON oauth2_flows (login_session_id);
CREATE INDEX oauth2_flows_expiry_idx ON oauth2_flows (expires_at);

CREATE TABLE oauth2_logout_requests (
    challenge    text PRIMARY KEY,
    verifier     bytea UNIQUE,
    state        text        NOT NULL,
    subject      text        NOT NULL DEFAULT '',
    sid          text        NOT NULL DEFAULT '',
    client_id    text REFERENCES oauth2_clients (id) ON DELETE CASCADE,
    requested_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    data         jsonb       NOT NULL
);

-- +goose Down
DROP TABLE oauth2_logout_requests;
DROP TABLE oauth2_flows;
DROP TABLE oauth2_login_sessions;
DROP TABLE oauth2_jti;
DROP TABLE oauth2_tokens;
DROP TABLE oauth2_keys;
DROP TABLE oauth2_clients;

-- Recovery and verification: two more flow kinds, the codes and links
-- they send, and a per-flow count of wrong codes.

-- +goose Up
ALTER TABLE selfservice_flows DROP CONSTRAINT selfservice_flows_kind_check;
ALTER TABLE selfservice_flows ADD CONSTRAINT selfservice_flows_kind_check
    CHECK (kind IN ('login', 'registration', 'settings', 'recovery', 'verification'));

-- One row per code or link sent. Only an HMAC of the secret is stored
-- (keyed with secrets.system), so a database dump yields no usable code;
-- the row also remembers whom and which address it was sent to, so an
-- address that left the account in the meantime is refused.
CREATE TABLE selfservice_codes (
    id          uuid PRIMARY KEY,
    flow_id     uuid        NOT NULL REFERENCES selfservice_flows (id) ON DELETE CASCADE,
    purpose     text        NOT NULL CHECK (purpose IN ('recovery', 'verification')),
    method      text        NOT NULL CHECK (method IN ('code', 'link')),
    hash        bytea       NOT NULL,
    identity_id uuid        NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    address     text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX selfservice_codes_link_idx ON selfservice_codes (hash) WHERE method = 'link';
CREATE INDEX selfservice_codes_flow_idx ON selfservice_codes (flow_id);

-- Wrong codes per flow: counted in one upserted row, so concurrent
-- guesses are all counted and the limit holds under parallel requests.
CREATE TABLE selfservice_code_failures (
    flow_id  uuid PRIMARY KEY REFERENCES selfservice_flows (id) ON DELETE CASCADE,
    failures integer NOT NULL
);

-- +goose Down
DROP TABLE selfservice_code_failures;
DROP TABLE selfservice_codes;
DELETE FROM selfservice_flows WHERE kind IN ('recovery', 'verification');
ALTER TABLE selfservice_flows DROP CONSTRAINT selfservice_flows_kind_check;
ALTER TABLE selfservice_flows ADD CONSTRAINT selfservice_flows_kind_check
    CHECK (kind IN ('login', 'registration', 'settings'));

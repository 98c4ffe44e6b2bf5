-- When a code or refresh token was used: a request that arrived before its
-- rotation lost a race (refused, nothing revoked); one that arrived after
-- is a replay (the grant's tokens are revoked).

-- +goose Up
ALTER TABLE oauth2_tokens ADD COLUMN used_at timestamptz;

-- +goose Down
ALTER TABLE oauth2_tokens DROP COLUMN used_at;

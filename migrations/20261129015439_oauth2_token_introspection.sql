-- An access token's introspection answer, computed once at issuance and
-- sealed: introspecting an opaque token is then one indexed read and one
-- decryption, with no request or session decoding.

-- +goose Up
ALTER TABLE oauth2_tokens ADD COLUMN introspection bytea;

-- +goose Down
ALTER TABLE oauth2_tokens DROP COLUMN introspection;

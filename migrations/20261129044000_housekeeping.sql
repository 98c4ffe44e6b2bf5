-- Housekeeping deletes expired sessions and old delivered mail every few
-- minutes; these indexes let it find them without reading whole tables.

-- +goose Up
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX courier_messages_done_idx ON courier_messages (updated_at) WHERE status IN ('sent', 'abandoned');

-- +goose Down
DROP INDEX courier_messages_done_idx;
DROP INDEX sessions_expires_idx;

-- The mail-bombing guard counts recent messages per recipient, whatever
-- the case of the address.

-- +goose Up
CREATE INDEX courier_messages_recipient_recent_idx ON courier_messages (lower(recipient), created_at);

-- +goose Down
DROP INDEX courier_messages_recipient_recent_idx;

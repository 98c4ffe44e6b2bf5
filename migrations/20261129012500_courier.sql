-- The courier's outbox: e-mails waiting to be sent, being sent, sent or
-- given up, and one dispatch row per delivery attempt. Every instance
-- drains the same queue; a row is claimed with FOR UPDATE SKIP LOCKED and
-- leased to one instance, so no two send it at once, and a lease that runs
-- out (the instance died) puts the message back in play.

-- +goose Up
CREATE TABLE courier_messages (
    -- Time-ordered (UUIDv7): newest-first listing walks the primary key.
    id              uuid PRIMARY KEY,
    type            text        NOT NULL DEFAULT 'email' CHECK (type IN ('email')),
    channel         text        NOT NULL DEFAULT 'email',
    status          text        NOT NULL CHECK (status IN ('queued', 'processing', 'sent', 'abandoned')),
    recipient       text        NOT NULL,
    template_type   text        NOT NULL,
    -- Subject, plain-text and HTML bodies, rendered when the message was
    -- queued and sealed with secrets.system: they carry live recovery and
    -- verification codes, which must not sit readable in a database dump.
    content         bytea       NOT NULL,
    send_count      integer     NOT NULL DEFAULT 0,
    -- When a worker should next look at the row: the retry time of a
    -- queued message, the lease end of one being processed.
    next_attempt_at timestamptz NOT NULL,
    -- The instance holding the lease while status is processing.
    lease_owner     uuid,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX courier_messages_due_idx ON courier_messages (next_attempt_at)
    WHERE status IN ('queued', 'processing');
CREATE INDEX courier_messages_recipient_idx ON courier_messages (recipient, id);
CREATE INDEX courier_messages_status_idx ON courier_messages (status, id);

CREATE TABLE courier_message_dispatches (
    id         uuid PRIMARY KEY,
    message_id uuid        NOT NULL REFERENCES courier_messages (id) ON DELETE CASCADE,
    status     text        NOT NULL CHECK (status IN ('failed', 'success')),
    error      jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX courier_message_dispatches_message_idx ON courier_message_dispatches (message_id, created_at);

-- +goose Down
DROP TABLE courier_message_dispatches;
DROP TABLE courier_messages;

-- Every write to oauth2_clients announces the client id on the
-- cerberus_oauth2_clients channel, whoever makes it (the admin API, the CLI,
-- an operator in psql). Instances keep decoded clients in memory while they
-- listen, and drop an entry the moment it changes. The notification is sent
-- at commit, so no instance hears of a change it cannot yet read.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION cerberus_oauth2_clients_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('cerberus_oauth2_clients', OLD.id);
    ELSE
        PERFORM pg_notify('cerberus_oauth2_clients', NEW.id);
        IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
            PERFORM pg_notify('cerberus_oauth2_clients', OLD.id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER oauth2_clients_notify
    AFTER INSERT OR UPDATE OR DELETE ON oauth2_clients
    FOR EACH ROW EXECUTE FUNCTION cerberus_oauth2_clients_notify();

-- +goose Down
DROP TRIGGER oauth2_clients_notify ON oauth2_clients;
DROP FUNCTION cerberus_oauth2_clients_notify();

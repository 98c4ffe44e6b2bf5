// Package config loads Cerberus's configuration: one or more YAML or JSON
// files merged in order, overridden by environment variables named after key
// paths (SERVE_PUBLIC_PORT, SECRETS_SYSTEM_0, ...), validated against
// schemas/config.schema.json, and decoded into the typed Config that the
// composition root (cmd/cerberus) hands to each head.
//
// Validation reports every problem at once, each naming its key path
// ("serve.public.port: must be <= 65535 but found 70000"). Keys Ory knows but
// Cerberus does not implement are refused with a message saying so, rather
// than silently ignored: a security setting that is ignored is worse than a
// process that does not start.
//
// Each head's section is one file here (serve.go, secrets.go, ...) with its
// schema in schemas/config/<section>.json.
package config

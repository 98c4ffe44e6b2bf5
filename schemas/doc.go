// Package schemas embeds the JSON schemas Cerberus ships: the configuration
// schema (config.schema.json, one file per config section under config/),
// the preset identity schemas (identity/<name>.schema.json, used in config as
// preset://<name>) and, as the heads add them, preset jsonnet mappers.
//
// internal/config compiles the configuration schema; nothing here has logic.
package schemas

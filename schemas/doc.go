// Package schemas embeds the JSON schemas Cerberus ships: the configuration
// schema (config.schema.json, one file per config section under config/) and,
// as the heads add them, preset identity schemas and jsonnet mappers.
//
// internal/config compiles the configuration schema; nothing here has logic.
package schemas

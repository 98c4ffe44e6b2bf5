package schemas

import "embed"

// Config holds config.schema.json and the section files it references.
//
//go:embed config.schema.json config/*.json
var Config embed.FS

// ConfigRoot is the path of the root configuration schema inside Config.
const ConfigRoot = "config.schema.json"

// BaseURL is the URL prefix every embedded schema's $id starts with; relative
// $refs between the files resolve against it.
const BaseURL = "https://cerberus.local/schemas/"

// IdentityPresets holds the preset identity schemas, addressed in config as
// preset://<name> (preset://email, preset://username).
//
//go:embed identity/*.schema.json
var IdentityPresets embed.FS

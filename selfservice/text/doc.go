// Package text is the catalogue of user-facing messages the self-service
// flows attach to forms and fields: each has Kratos's numeric id (1xxxxxx
// info, 4xxxxxx validation error, 5xxxxxx system error), an English text
// and a context object with the values the text was built from, so a
// custom UI can translate by id and the built-in UI can show the text.
//
// Ids Kratos defines keep Kratos's meaning. Cerberus's own additions use
// the x09xx block of their area (4010901: login throttled), which Kratos
// leaves unused.
//
// Neighbours: selfservice/node puts messages on nodes; selfservice and ui
// read them.
package text

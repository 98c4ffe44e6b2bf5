// Package node is the form model a self-service flow carries in its "ui"
// field: a Container (action, method, messages) of Nodes, each with a type
// (input, text, img, a), a group saying which method it belongs to
// (default, password, profile, ...), type-specific attributes, messages and
// a label. The JSON shape is Kratos's, so custom UIs and Ory's SDKs render
// Cerberus flows unchanged; the built-in UI (package ui) renders the same
// values in process.
//
// Neighbours: selfservice/text for messages; selfservice builds containers;
// ui renders them.
package node

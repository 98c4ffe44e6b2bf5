// Package flow is the self-service flow model: one Flow value for login,
// registration and settings (its Kind), started by a browser or by an API
// client (its Type), with its form (a node.Container), where it came from
// and where it returns to, and when it expires. Flows are stored in
// Postgres (selfservice/store) so any instance can continue a flow another
// one started.
//
// The package has no database or HTTP code, so the built-in UI (package
// ui) can import it to render flows.
//
// Neighbours: selfservice/node and selfservice/text for the form;
// selfservice creates, updates and renders flows; selfservice/store keeps
// them.
package flow

package config

import (
	"encoding/json"
	"time"
)

// AccessRules says where the proxy's access rules come from (Oathkeeper's
// access_rules section).
type AccessRules struct {
	// MatchingStrategy is how the <...> parts of a rule's match.url are read:
	// "regexp" (the default, RE2 syntax) or "glob".
	MatchingStrategy string `json:"matching_strategy,omitempty"`
	// Repositories are file:// (a file, or a directory of .json/.yaml/.yml
	// files), http(s):// or inline://<base64> URLs.
	Repositories []string `json:"repositories,omitempty"`
	// RefreshInterval is how often remote repositories are fetched again and
	// files re-checked in case a change event was missed (default 30s).
	RefreshInterval Duration `json:"refresh_interval,omitempty"`
}

// Handler switches one proxy pipeline handler on and carries its global
// configuration, which a rule's own config is merged over key by key.
type Handler struct {
	Enabled *bool           `json:"enabled,omitempty"`
	Config  json.RawMessage `json:"config,omitempty"`
}

// IsEnabled reports whether the handler is switched on.
func (h Handler) IsEnabled() bool { return h.Enabled != nil && *h.Enabled }

// Authenticators are Oathkeeper's authenticators section.
type Authenticators struct {
	Noop                    Handler `json:"noop"`
	Unauthorized            Handler `json:"unauthorized"`
	Anonymous               Handler `json:"anonymous"`
	CookieSession           Handler `json:"cookie_session"`
	BearerToken             Handler `json:"bearer_token"`
	JWT                     Handler `json:"jwt"`
	OAuth2Introspection     Handler `json:"oauth2_introspection"`
	OAuth2ClientCredentials Handler `json:"oauth2_client_credentials"`
}

// Authorizers are Oathkeeper's authorizers section.
type Authorizers struct {
	Allow      Handler `json:"allow"`
	Deny       Handler `json:"deny"`
	Remote     Handler `json:"remote"`
	RemoteJSON Handler `json:"remote_json"`
}

// Mutators are Oathkeeper's mutators section.
type Mutators struct {
	Noop     Handler `json:"noop"`
	Header   Handler `json:"header"`
	Cookie   Handler `json:"cookie"`
	IDToken  Handler `json:"id_token"`
	Hydrator Handler `json:"hydrator"`
}

// Errors are Oathkeeper's errors section.
type Errors struct {
	// Fallback names the handlers tried, in order, when a rule offers none
	// whose `when` applies (default [json]).
	Fallback []string      `json:"fallback,omitempty"`
	Handlers ErrorHandlers `json:"handlers"`
}

// ErrorHandlers are the error handlers' switches and global configs. The
// json handler is on unless switched off, as in Oathkeeper.
type ErrorHandlers struct {
	JSON            Handler `json:"json"`
	Redirect        Handler `json:"redirect"`
	WWWAuthenticate Handler `json:"www_authenticate"`
}

// Lookup returns the handler by its Ory name.
func (a Authenticators) Lookup(name string) (Handler, bool) {
	m := map[string]Handler{
		"noop": a.Noop, "unauthorized": a.Unauthorized, "anonymous": a.Anonymous,
		"cookie_session": a.CookieSession, "bearer_token": a.BearerToken, "jwt": a.JWT,
		"oauth2_introspection": a.OAuth2Introspection, "oauth2_client_credentials": a.OAuth2ClientCredentials,
	}
	h, ok := m[name]
	return h, ok
}

// Lookup returns the handler by its Ory name.
func (a Authorizers) Lookup(name string) (Handler, bool) {
	m := map[string]Handler{"allow": a.Allow, "deny": a.Deny, "remote": a.Remote, "remote_json": a.RemoteJSON}
	h, ok := m[name]
	return h, ok
}

// Lookup returns the handler by its Ory name.
func (m Mutators) Lookup(name string) (Handler, bool) {
	all := map[string]Handler{"noop": m.Noop, "header": m.Header, "cookie": m.Cookie, "id_token": m.IDToken, "hydrator": m.Hydrator}
	h, ok := all[name]
	return h, ok
}

// Lookup returns the handler by its Ory name.
func (e ErrorHandlers) Lookup(name string) (Handler, bool) {
	m := map[string]Handler{"json": e.JSON, "redirect": e.Redirect, "www_authenticate": e.WWWAuthenticate}
	h, ok := m[name]
	return h, ok
}

func (a *AccessRules) applyDefaults() {
	if a.MatchingStrategy == "" {
		a.MatchingStrategy = "regexp"
	}
	if a.RefreshInterval == 0 {
		a.RefreshInterval = Duration(30 * time.Second)
	}
}

func (e *Errors) applyDefaults() {
	if len(e.Fallback) == 0 {
		e.Fallback = []string{"json"}
	}
	if e.Handlers.JSON.Enabled == nil {
		on := true
		e.Handlers.JSON.Enabled = &on
	}
}

package oauth2_test

import (
	"context"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// TestPromptMaxAgeAndHints: a remembered login is skipped, except for
// prompt=login and an exceeded max_age; prompt=none works with a session;
// an id_token_hint naming someone else asks again; the login app sees the
// OpenID context (acr_values, login_hint, ui_locales).
func TestPromptMaxAgeAndHints(t *testing.T) {
	in, app := startWithApp(t, "")
	seed := createSeedClients(t, in, seedRedirect)
	r := newRP(t, in, seed.frontend, oidc.ScopeOpenID)
	b := newBrowser(t, seedRedirect)
	pkce := oauth2.GenerateVerifier()
	auth := func(opts ...oauth2.AuthCodeOption) map[string]any {
		back := b.authorize(r.cfg.AuthCodeURL("state-123456", append(opts, oauth2.S256ChallengeOption(pkce))...))
		if back.Get("code") == "" {
			t.Fatalf("no code: %v", back)
		}
		return app.lastLogin
	}
	first := auth(oauth2.SetAuthURLParam("acr_values", "urn:a urn:b"), oauth2.SetAuthURLParam("login_hint", "ada@example.com"),
		oauth2.SetAuthURLParam("ui_locales", "fr en"))
	oc := first["oidc_context"].(map[string]any)
	if first["skip"] != false || oc["login_hint"] != "ada@example.com" || len(oc["acr_values"].([]any)) != 2 || len(oc["ui_locales"].([]any)) != 2 {
		t.Fatalf("first login: %v", first)
	}
	if l := auth(); l["skip"] != true {
		t.Fatalf("a remembered login must be skipped: %v", l)
	}
	if l := auth(oauth2.SetAuthURLParam("prompt", "login")); l["skip"] != false {
		t.Fatalf("prompt=login must ask again: %v", l)
	}
	if l := auth(oauth2.SetAuthURLParam("max_age", "0")); l["skip"] != false {
		t.Fatalf("an exceeded max_age must ask again: %v", l)
	}
	if l := auth(oauth2.SetAuthURLParam("prompt", "none")); l["skip"] != true {
		t.Fatalf("prompt=none with a session: %v", l)
	}
	// An ID token for another subject as id_token_hint: ask again.
	back := b.authorize(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce)))
	tok, err := r.cfg.Exchange(context.Background(), back.Get("code"), oauth2.VerifierOption(pkce))
	if err != nil {
		t.Fatal(err)
	}
	hint := tok.Extra("id_token").(string)
	if l := auth(oauth2.SetAuthURLParam("id_token_hint", hint)); l["skip"] != true || l["oidc_context"].(map[string]any)["id_token_hint_claims"] == nil {
		t.Fatalf("a hint for the signed-in subject keeps the skip: %v", l)
	}
	app.mu.Lock()
	app.subject = "user-2"
	app.mu.Unlock()
	if l := auth(oauth2.SetAuthURLParam("prompt", "login")); l["skip"] != false {
		t.Fatalf("prompt=login: %v", l)
	}
	// The remembered login is now user-2; a hint for user-1 asks again
	// (and the login app signs user-1 in: fosite refuses any other).
	app.mu.Lock()
	app.subject = "user-1"
	app.mu.Unlock()
	if l := auth(oauth2.SetAuthURLParam("id_token_hint", hint)); l["skip"] != false {
		t.Fatalf("a hint for another subject must ask again: %v", l)
	}
	back = b.authorize(r.cfg.AuthCodeURL("state-123456", oauth2.SetAuthURLParam("id_token_hint", "not.a.token")))
	if back.Get("error") != "invalid_request" {
		t.Fatalf("a forged id_token_hint: %v", back)
	}
}

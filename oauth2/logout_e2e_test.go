package oauth2_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// TestRPInitiatedLogout: the relying party ends the session with its
// id_token_hint; the logout app accepts; the client hears about it over
// the back channel and in a front-channel frame; the browser lands on the
// registered post_logout_redirect_uri with the RP's state; the next
// authorization needs a fresh login.
func TestRPInitiatedLogout(t *testing.T) {
	in, app := startWithApp(t, "")
	front := app.srv.URL + "/frontchannel"
	c := listing(t, cli(t, in, "clients", "create", "--name", "portal", "--grant-type", "authorization_code,refresh_token",
		"--response-type", "code", "--redirect-uri", seedRedirect, "--scope", "openid,offline_access",
		"--token-endpoint-auth-method", "client_secret_post", "--post-logout-callback", "http://localhost:8000/bye",
		"--backchannel-logout-callback", app.srv.URL+"/backchannel", "--backchannel-logout-session-required",
		"--frontchannel-logout-callback", front, "--frontchannel-logout-session-required"))
	ctx := context.Background()
	r := newRP(t, in, c, oidc.ScopeOpenID)
	b := newBrowser(t, seedRedirect)
	pkce := oauth2.GenerateVerifier()
	back := b.authorize(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce)))
	tok, err := r.cfg.Exchange(ctx, back.Get("code"), oauth2.VerifierOption(pkce))
	if err != nil {
		t.Fatal(err)
	}
	idToken := tok.Extra("id_token").(string)
	idt, _ := r.verifier.Verify(ctx, idToken)
	var claims struct{ SID string }
	_ = idt.Claims(&claims)

	t.Run("an unregistered post_logout_redirect_uri is refused", func(t *testing.T) {
		resp := b.get(in.Public + "/oauth2/sessions/logout?" + url.Values{"id_token_hint": {idToken},
			"post_logout_redirect_uri": {"https://evil.example/"}}.Encode())
		if resp.StatusCode != 400 || strings.Contains(resp.Header.Get("Location"), "evil") {
			t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
		}
	})

	b.redirect = "http://localhost:8000/bye"
	resp := b.get(in.Public + "/oauth2/sessions/logout?" + url.Values{"id_token_hint": {idToken},
		"post_logout_redirect_uri": {"http://localhost:8000/bye"}, "state": {"bye-state"}}.Encode())
	// Front-channel logout renders frames before moving on.
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-src") {
		t.Fatalf("logout page: %d %v", resp.StatusCode, resp.Header)
	}
	app.mu.Lock()
	got := append([]string(nil), app.backchannel...)
	app.mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("back-channel logout tokens: %d", len(got))
	}
	keys := oidc.NewRemoteKeySet(ctx, in.Public+"/.well-known/jwks.json")
	payload, err := keys.VerifySignature(ctx, got[0])
	if err != nil {
		t.Fatalf("logout token signature: %v", err)
	}
	var lt map[string]any
	_ = json.Unmarshal(payload, &lt)
	events, _ := lt["events"].(map[string]any)
	if lt["sid"] != claims.SID || lt["iss"] != in.Public+"/" || events["http://schemas.openid.net/event/backchannel-logout"] == nil || lt["nonce"] != nil {
		t.Fatalf("logout token: %v", lt)
	}

	// The session is gone: the next authorization asks for a login.
	b.redirect = seedRedirect
	b.authorize(r.cfg.AuthCodeURL("state-after1", oauth2.S256ChallengeOption(pkce)))
	if app.lastLogin["skip"] != false {
		t.Fatalf("after logout the login must not be skipped: %v", app.lastLogin)
	}

	t.Run("logout without a session goes straight to the redirect", func(t *testing.T) {
		nb := newBrowser(t, "http://localhost:8000/bye")
		resp := nb.get(in.Public + "/oauth2/sessions/logout?" + url.Values{"id_token_hint": {idToken},
			"post_logout_redirect_uri": {"http://localhost:8000/bye"}, "state": {"s1"}}.Encode())
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://localhost:8000/bye?state=s1" {
			t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
		}
	})
}

// TestImplicitAndHybrid: seed 003 uses the implicit grant; hybrid flows
// return a code and an ID token in the fragment.
func TestImplicitAndHybrid(t *testing.T) {
	in, _ := startWithApp(t, "")
	c := listing(t, cli(t, in, "clients", "create", "--name", "spa", "--grant-type", "implicit,authorization_code",
		"--response-type", "token,id_token,token id_token,code id_token", "--redirect-uri", seedRedirect,
		"--scope", "openid", "--skip-consent"))
	ctx := context.Background()
	r := newRP(t, in, c, oidc.ScopeOpenID)

	back := newBrowser(t, seedRedirect).authorize(r.cfg.AuthCodeURL("state-123456",
		oauth2.SetAuthURLParam("response_type", "id_token token"), oidc.Nonce("nonce-abcdefg")))
	if back.Get("access_token") == "" || back.Get("id_token") == "" || back.Get("state") != "state-123456" {
		t.Fatalf("implicit: %v", back)
	}
	idt, err := r.verifier.Verify(ctx, back.Get("id_token"))
	if err != nil || idt.Nonce != "nonce-abcdefg" {
		t.Fatalf("implicit id_token: %v %v", err, idt)
	}
	if err := idt.VerifyAccessToken(back.Get("access_token")); err != nil {
		t.Fatalf("at_hash: %v", err)
	}
	if ti := introspect(t, in, back.Get("access_token")); ti["active"] != true {
		t.Fatalf("implicit access token: %v", ti)
	}

	back = newBrowser(t, seedRedirect).authorize(r.cfg.AuthCodeURL("state-123456",
		oauth2.SetAuthURLParam("response_type", "code id_token"), oidc.Nonce("nonce-hybrid1")))
	if back.Get("code") == "" || back.Get("id_token") == "" {
		t.Fatalf("hybrid: %v", back)
	}
	if _, err := r.verifier.Verify(ctx, back.Get("id_token")); err != nil {
		t.Fatalf("hybrid id_token: %v", err)
	}
	// A nonce is required for implicit ID tokens (OpenID Connect Core §3.2.2.1).
	back = newBrowser(t, seedRedirect).authorize(r.cfg.AuthCodeURL("state-123456", oauth2.SetAuthURLParam("response_type", "id_token")))
	if back.Get("error") == "" || back.Get("id_token") != "" {
		t.Fatalf("implicit without nonce: %v", back)
	}
}

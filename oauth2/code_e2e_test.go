package oauth2_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cerberus-iam/cerberus/internal/testbin"
)

const seedRedirect = "http://localhost:8000/oauth-redirect"

type rp struct {
	cfg      oauth2.Config
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

func newRP(t *testing.T, in *testbin.Instance, c map[string]string, scopes ...string) *rp {
	t.Helper()
	ctx := context.Background()
	p, err := oidc.NewProvider(ctx, in.Public+"/")
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	ep := p.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInParams // client_secret_post, as seed 000 registers
	return &rp{
		cfg:      oauth2.Config{ClientID: c["CLIENT ID"], ClientSecret: c["CLIENT SECRET"], Endpoint: ep, RedirectURL: seedRedirect, Scopes: scopes},
		provider: p,
		verifier: p.Verifier(&oidc.Config{ClientID: c["CLIENT ID"]}),
	}
}

func startWithApp(t *testing.T, extra string) (*testbin.Instance, *loginApp) {
	app := newLoginApp(t)
	in := start(t, app.config()+extra)
	app.admin = in.Admin
	return in, app
}

// TestAuthorizationCodeFlowSeed000 is the first-party client of seed 000:
// discovery, code + PKCE through the login app with a cookie jar, consent
// skipped (skip_consent), ID token verified against the JWKS, userinfo,
// refresh rotation and reuse detection, code replay.
func TestAuthorizationCodeFlowSeed000(t *testing.T) {
	in, app := startWithApp(t, "")
	seed := createSeedClients(t, in, seedRedirect)
	ctx := context.Background()
	r := newRP(t, in, seed.frontend, oidc.ScopeOpenID, "offline_access")
	b := newBrowser(t, seedRedirect)

	pkce := oauth2.GenerateVerifier()
	back := b.authorize(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce), oidc.Nonce("nonce-123456")))
	if back.Get("state") != "state-123456" || back.Get("code") == "" {
		t.Fatalf("callback: %v", back)
	}
	if app.lastConsent["skip"] != true {
		t.Fatalf("a skip_consent client's consent request must say skip: %v", app.lastConsent)
	}
	// The code is exchanged once, with the PKCE verifier.
	tok, err := r.cfg.Exchange(ctx, back.Get("code"), oauth2.VerifierOption(pkce))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := r.verifier.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("id_token: %v", err)
	}
	var claims struct {
		Nonce    string   `json:"nonce"`
		AuthTime int64    `json:"auth_time"`
		SID      string   `json:"sid"`
		ACR      string   `json:"acr"`
		AMR      []string `json:"amr"`
		Email    string   `json:"email"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if idt.Subject != "user-1" || claims.Nonce != "nonce-123456" || claims.AuthTime == 0 || claims.SID == "" ||
		claims.ACR != "urn:test:pwd" || len(claims.AMR) != 1 || claims.Email != "user-1@example.com" {
		t.Fatalf("id_token claims: sub=%s %+v", idt.Subject, claims)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil && idt.AccessTokenHash != "" {
		t.Fatalf("at_hash: %v", err)
	}
	ui, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	if ui.Subject != "user-1" || ui.Email != "user-1@example.com" {
		t.Fatalf("userinfo: %+v", ui)
	}
	ti := introspect(t, in, tok.AccessToken)
	if ti["sub"] != "user-1" || ti["ext"].(map[string]any)["role"] != "reader" {
		t.Fatalf("introspection: %v", ti)
	}

	// Replaying the code fails and revokes what it issued.
	code, body := postForm(t, in.Public+"/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")},
		"redirect_uri": {seedRedirect}, "client_id": {r.cfg.ClientID}, "client_secret": {r.cfg.ClientSecret}, "code_verifier": {pkce}}, "", "")
	if code != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("code replay: %d %v", code, body)
	}
	if ti := introspect(t, in, tok.AccessToken); ti["active"] != false {
		t.Fatalf("a replayed code's access token must be revoked: %v", ti)
	}
	if ti := introspect(t, in, tok.RefreshToken); ti["active"] != false {
		t.Fatalf("a replayed code's refresh token must be revoked: %v", ti)
	}

	// A fresh grant for rotation: the login is remembered (skip).
	back = b.authorize(r.cfg.AuthCodeURL("state-abcdefg", oauth2.S256ChallengeOption(pkce)))
	if app.lastLogin["skip"] != true || app.lastLogin["subject"] != "user-1" {
		t.Fatalf("the second login must be skipped: %v", app.lastLogin)
	}
	tok, err = r.cfg.Exchange(ctx, back.Get("code"), oauth2.VerifierOption(pkce))
	if err != nil {
		t.Fatal(err)
	}
	refresh := func(rt string) (int, map[string]any) {
		return postForm(t, in.Public+"/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
			"client_id": {r.cfg.ClientID}, "client_secret": {r.cfg.ClientSecret}}, "", "")
	}
	code, next := refresh(tok.RefreshToken)
	if code != 200 || next["refresh_token"] == tok.RefreshToken || next["id_token"] == nil {
		t.Fatalf("refresh: %d %v", code, next)
	}
	if ti := introspect(t, in, tok.AccessToken); ti["active"] != false {
		t.Fatal("the access token of a rotated refresh token must stop working")
	}
	// Reuse of the rotated refresh token revokes the whole chain.
	code, body = refresh(tok.RefreshToken)
	if code != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("reuse: %d %v", code, body)
	}
	for _, tk := range []string{next["access_token"].(string), next["refresh_token"].(string)} {
		if ti := introspect(t, in, tk); ti["active"] != false {
			t.Fatalf("reuse must revoke the chain: %v", ti)
		}
	}
}

// TestConcurrentRefreshExactlyOneWins: the same refresh token presented
// several times at once yields one new token pair and invalid_grant for the
// others. A loser that arrived while the winner was still running lost a
// race and changes nothing, so the winner's tokens keep working. A request
// the server only sees after the winner has answered (a goroutine scheduled
// late on a busy machine) is, from the server's side, a replay of a rotated
// token, and reuse detection revokes the grant, the winner's tokens with it
// (RFC 6819 §5.2.2.3). Which of the two a loser was is in its hint, and the
// test checks the consequence of each.
func TestConcurrentRefreshExactlyOneWins(t *testing.T) {
	in, _ := startWithApp(t, "")
	seed := createSeedClients(t, in, seedRedirect)
	ctx := context.Background()
	r := newRP(t, in, seed.frontend, oidc.ScopeOpenID, "offline_access")
	b := newBrowser(t, seedRedirect)
	pkce := oauth2.GenerateVerifier()
	for round := 0; round < 3; round++ {
		back := b.authorize(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce)))
		tok, err := r.cfg.Exchange(ctx, back.Get("code"), oauth2.VerifierOption(pkce))
		if err != nil {
			t.Fatal(err)
		}
		const n = 4
		codes := make([]int, n)
		bodies := make([]map[string]any, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i], bodies[i] = postForm(t, in.Public+"/oauth2/token", url.Values{"grant_type": {"refresh_token"},
					"refresh_token": {tok.RefreshToken}, "client_id": {r.cfg.ClientID}, "client_secret": {r.cfg.ClientSecret}}, "", "")
			}()
		}
		wg.Wait()
		wins, replays := 0, 0
		var winner map[string]any
		for i := range n {
			switch {
			case codes[i] == 200:
				wins++
				winner = bodies[i]
			case codes[i] != 400 || bodies[i]["error"] != "invalid_grant":
				t.Fatalf("a losing refresh must be invalid_grant, got %d %v", codes[i], bodies[i])
			case !strings.Contains(fmt.Sprint(bodies[i]["error_description"]), "concurrent request") &&
				!strings.Contains(fmt.Sprint(bodies[i]["error_description"]), "already been used"):
				replays++
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d refreshes won", round, wins)
		}
		active := introspect(t, in, winner["access_token"].(string))["active"] == true
		switch {
		case replays == 0 && !active:
			t.Fatalf("round %d: every loser lost a race, yet the winner's access token was revoked", round)
		case replays > 0 && active:
			t.Fatalf("round %d: %d loser(s) replayed the rotated token, yet the grant was not revoked", round, replays)
		}
	}
}

// TestThirdPartyConsent: the seed's third-party client shows consent;
// denial sends access_denied back to the client; an accepted, remembered
// consent is skipped next time; revoking the consent session revokes its
// tokens.
func TestThirdPartyConsent(t *testing.T) {
	in, app := startWithApp(t, "")
	seed := createSeedClients(t, in, seedRedirect)
	ctx := context.Background()
	r := newRP(t, in, seed.thirdParty, oidc.ScopeOpenID, "offline_access", "location:read")
	b := newBrowser(t, seedRedirect)
	pkce := oauth2.GenerateVerifier()

	app.denyConsent = true
	back := b.authorize(r.cfg.AuthCodeURL("state-deny01", oauth2.S256ChallengeOption(pkce)))
	if back.Get("error") != "access_denied" || back.Get("code") != "" || back.Get("state") != "state-deny01" {
		t.Fatalf("denied consent: %v", back)
	}
	if app.lastConsent["skip"] != false {
		t.Fatalf("a third-party client's consent must not be skipped: %v", app.lastConsent)
	}
	client := app.lastConsent["client"].(map[string]any)
	if client["client_name"] != "third-party" || client["client_secret"] != nil {
		t.Fatalf("consent request client: %v", client)
	}

	app.denyConsent, app.rememberConsent = false, true
	back = b.authorize(r.cfg.AuthCodeURL("state-accept", oauth2.S256ChallengeOption(pkce)))
	tok, err := r.cfg.Exchange(ctx, back.Get("code"), oauth2.VerifierOption(pkce))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Extra("scope") != "openid offline_access location:read" {
		t.Fatalf("granted scope: %v", tok.Extra("scope"))
	}
	back = b.authorize(r.cfg.AuthCodeURL("state-again1", oauth2.S256ChallengeOption(pkce)))
	if back.Get("code") == "" || app.lastConsent["skip"] != true {
		t.Fatalf("a remembered consent must be skipped: %v %v", back, app.lastConsent)
	}

	var sessions []map[string]any
	getJSON(t, in.Admin+"/admin/oauth2/auth/sessions/consent?subject=user-1", &sessions)
	if len(sessions) != 2 {
		t.Fatalf("consent sessions: %v", sessions)
	}
	req, _ := http.NewRequest("DELETE", in.Admin+"/admin/oauth2/auth/sessions/consent?subject=user-1&client="+url.QueryEscape(r.cfg.ClientID), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("revoke consent: %v %v", resp, err)
	}
	if ti := introspect(t, in, tok.AccessToken); ti["active"] != false {
		t.Fatalf("revoking the consent must revoke its tokens: %v", ti)
	}
	getJSON(t, in.Admin+"/admin/oauth2/auth/sessions/consent?subject=user-1", &sessions)
	if len(sessions) != 0 {
		t.Fatalf("consent sessions after revocation: %v", sessions)
	}
}

// TestAuthorizeBadInput: what a client or an attacker gets wrong at the
// authorization endpoint.
func TestAuthorizeBadInput(t *testing.T) {
	in, _ := startWithApp(t, "")
	seed := createSeedClients(t, in, seedRedirect)
	ctx := context.Background()
	r := newRP(t, in, seed.frontend, oidc.ScopeOpenID, "offline_access")
	pkce := oauth2.GenerateVerifier()

	t.Run("unregistered redirect_uri shows an error page and never redirects", func(t *testing.T) {
		cfg := r.cfg
		cfg.RedirectURL = "https://evil.example/cb"
		b := newBrowser(t, "https://evil.example")
		resp := b.get(cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce)))
		if resp.StatusCode != 400 || strings.Contains(resp.Header.Get("Location"), "evil") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("unknown client shows an error page", func(t *testing.T) {
		cfg := r.cfg
		cfg.ClientID = "nobody"
		resp := newBrowser(t, seedRedirect).get(cfg.AuthCodeURL("state-123456"))
		if resp.StatusCode < 400 || resp.Header.Get("Location") != "" {
			t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("scope not allowed goes back as invalid_scope", func(t *testing.T) {
		cfg := r.cfg
		cfg.Scopes = []string{"openid", "location:read"}
		back := newBrowser(t, seedRedirect).authorize(cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce)))
		if back.Get("error") != "invalid_scope" {
			t.Fatalf("got %v", back)
		}
	})
	t.Run("plain PKCE is refused", func(t *testing.T) {
		back := newBrowser(t, seedRedirect).authorize(r.cfg.AuthCodeURL("state-123456",
			oauth2.SetAuthURLParam("code_challenge", pkce), oauth2.SetAuthURLParam("code_challenge_method", "plain")))
		if back.Get("error") != "invalid_request" || back.Get("code") != "" {
			t.Fatalf("got %v", back)
		}
	})
	t.Run("prompt=none without a session is login_required", func(t *testing.T) {
		back := newBrowser(t, seedRedirect).authorize(r.cfg.AuthCodeURL("state-123456", oauth2.SetAuthURLParam("prompt", "none")))
		if back.Get("error") != "login_required" {
			t.Fatalf("got %v", back)
		}
	})

	b := newBrowser(t, seedRedirect)
	codeFor := func(opts ...oauth2.AuthCodeOption) string {
		return b.authorize(r.cfg.AuthCodeURL("state-123456", opts...)).Get("code")
	}
	exchange := func(form url.Values) (int, map[string]any) {
		form.Set("grant_type", "authorization_code")
		form.Set("redirect_uri", seedRedirect)
		if form.Get("client_id") == "" {
			form.Set("client_id", r.cfg.ClientID)
			form.Set("client_secret", r.cfg.ClientSecret)
		}
		return postForm(t, in.Public+"/oauth2/token", form, "", "")
	}
	t.Run("PKCE verifier mismatch", func(t *testing.T) {
		code := codeFor(oauth2.S256ChallengeOption(pkce))
		st, body := exchange(url.Values{"code": {code}, "code_verifier": {oauth2.GenerateVerifier()}})
		if st != 400 || body["error"] != "invalid_grant" {
			t.Fatalf("got %d %v", st, body)
		}
	})
	t.Run("PKCE downgrade: a verifier for a code issued without a challenge", func(t *testing.T) {
		code := codeFor()
		st, body := exchange(url.Values{"code": {code}, "code_verifier": {pkce}})
		if st != 400 || body["access_token"] != nil {
			t.Fatalf("got %d %v", st, body)
		}
	})
	t.Run("PKCE stripped: no verifier for a code issued with a challenge", func(t *testing.T) {
		code := codeFor(oauth2.S256ChallengeOption(pkce))
		st, body := exchange(url.Values{"code": {code}})
		if st != 400 || body["access_token"] != nil {
			t.Fatalf("got %d %v", st, body)
		}
		// Nothing changed: the right verifier still works once.
		if _, err := r.cfg.Exchange(ctx, code, oauth2.VerifierOption(pkce)); err != nil {
			t.Fatalf("the code must survive a failed attempt: %v", err)
		}
	})
	t.Run("code for another client", func(t *testing.T) {
		code := codeFor(oauth2.S256ChallengeOption(pkce))
		st, body := exchange(url.Values{"code": {code}, "code_verifier": {pkce},
			"client_id": {seed.thirdParty["CLIENT ID"]}, "client_secret": {seed.thirdParty["CLIENT SECRET"]}})
		if st != 400 || body["error"] != "invalid_grant" {
			t.Fatalf("got %d %v", st, body)
		}
	})
	t.Run("redirect_uri differs from the authorization request", func(t *testing.T) {
		code := codeFor(oauth2.S256ChallengeOption(pkce))
		form := url.Values{"code": {code}, "code_verifier": {pkce}}
		form.Set("grant_type", "authorization_code")
		form.Set("redirect_uri", "http://localhost:8000/other")
		form.Set("client_id", r.cfg.ClientID)
		form.Set("client_secret", r.cfg.ClientSecret)
		st, body := postForm(t, in.Public+"/oauth2/token", form, "", "")
		if st != 400 || body["error"] != "invalid_grant" {
			t.Fatalf("got %d %v", st, body)
		}
	})
	t.Run("a login verifier from another browser is useless", func(t *testing.T) {
		// The victim's browser starts a flow; the attacker replays the
		// verifier URL in a browser without the victim's CSRF cookie.
		victim := newBrowser(t, seedRedirect)
		victim.c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if req.URL.Query().Get("login_verifier") != "" {
				return http.ErrUseLastResponse
			}
			return nil
		}
		resp := victim.get(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce)))
		stolen := resp.Header.Get("Location")
		if !strings.Contains(stolen, "login_verifier=") {
			t.Fatalf("expected a verifier redirect, got %d %q", resp.StatusCode, stolen)
		}
		attacker := newBrowser(t, seedRedirect)
		back := attacker.authorize(stolen)
		if back.Get("error") != "access_denied" || back.Get("code") != "" {
			t.Fatalf("got %v", back)
		}
	})
}

// TestPKCEEnforcedForPublicClients: with enforced_for_public_clients a
// public client cannot skip PKCE.
func TestPKCEEnforcedForPublicClients(t *testing.T) {
	in, _ := startWithApp(t, "  pkce:\n    enforced_for_public_clients: true\n")
	pub := listing(t, cli(t, in, "clients", "create", "--name", "spa", "--grant-type", "authorization_code",
		"--response-type", "code", "--redirect-uri", seedRedirect, "--scope", "openid", "--token-endpoint-auth-method", "none"))
	r := newRP(t, in, pub, oidc.ScopeOpenID)
	back := newBrowser(t, seedRedirect).authorize(r.cfg.AuthCodeURL("state-123456"))
	if back.Get("error") != "invalid_request" || back.Get("code") != "" {
		t.Fatalf("got %v", back)
	}
	pkce := oauth2.GenerateVerifier()
	back = newBrowser(t, seedRedirect).authorize(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce)))
	if _, err := r.cfg.Exchange(context.Background(), back.Get("code"), oauth2.VerifierOption(pkce)); err != nil {
		t.Fatal(err)
	}
}

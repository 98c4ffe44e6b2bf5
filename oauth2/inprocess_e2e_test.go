package oauth2_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// startInProcess runs Cerberus with the identity head, the built-in login
// UI and the built-in consent page: no urls.login or urls.consent.
func startInProcess(t *testing.T) *testbin.Instance {
	t.Helper()
	dir := t.TempDir()
	schema, err := os.ReadFile(filepath.Join("..", "deploy", "examples", "identity.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "identity.schema.json"), schema, 0o600); err != nil {
		t.Fatal(err)
	}
	return testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Dir: dir, Config: baseConfig + `
identity:
  default_schema_id: default
  schemas:
    - id: default
      url: file://identity.schema.json
`})
}

func createIdentity(t *testing.T, in *testbin.Instance, email, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"schema_id":   "default",
		"traits":      map[string]any{"email": email, "full_name": "Ada Lovelace", "phone_number": "+441234567890"},
		"credentials": map[string]any{"password": map[string]any{"config": map[string]any{"password": password}}},
	})
	resp, err := http.Post(in.Admin+"/admin/identities", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != 201 {
		t.Fatalf("create identity: %d %v", resp.StatusCode, out)
	}
	return out["id"].(string)
}

// signIn fills the built-in login form of the flow the browser was sent
// to (its URL carries ?flow=) and returns the last response.
func (b *browser) signIn(in *testbin.Instance, loginPage *http.Response, email, password string) *http.Response {
	b.t.Helper()
	id := loginPage.Request.URL.Query().Get("flow")
	if id == "" {
		b.t.Fatalf("not a login page: %s", loginPage.Request.URL)
	}
	req, _ := http.NewRequest("GET", in.Public+"/self-service/login/flows?id="+id, nil)
	req.Header.Set("Accept", "application/json")
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	var f struct {
		UI struct {
			Nodes []struct {
				Attributes struct {
					Name  string `json:"name"`
					Value any    `json:"value"`
				} `json:"attributes"`
			} `json:"nodes"`
		} `json:"ui"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&f)
	resp.Body.Close()
	csrf := ""
	for _, n := range f.UI.Nodes {
		if n.Attributes.Name == "csrf_token" {
			csrf, _ = n.Attributes.Value.(string)
		}
	}
	form := url.Values{"csrf_token": {csrf}, "method": {"password"}, "identifier": {email}, "password": {password}}
	resp, err = b.c.PostForm(in.Public+"/self-service/login?flow="+id, form)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

var hiddenInput = regexp.MustCompile(`name="(csrf_token|consent_challenge)" value="([^"]*)"`)

// TestInProcessLoginAndConsent: /oauth2/auth without a session goes to
// the built-in login page with a login_challenge; after signing in the
// flow continues; a skip_consent client gets its code without a consent
// page; a third-party client sees the built-in consent page (client name,
// scopes with checkboxes, CSRF) and gets only the ticked scopes; a browser
// signed in already skips the login page; userinfo carries the identity's
// traits by scope.
func TestInProcessLoginAndConsent(t *testing.T) {
	in := startInProcess(t)
	subject := createIdentity(t, in, "ada@example.com", "correct horse battery staple 9")
	first := listing(t, cli(t, in, "clients", "create", "--name", "first-party", "--grant-type", "authorization_code,refresh_token",
		"--response-type", "code", "--redirect-uri", seedRedirect, "--scope", "openid,email,profile,phone,offline_access",
		"--skip-consent", "--token-endpoint-auth-method", "client_secret_post"))
	third := listing(t, cli(t, in, "clients", "create", "--name", "Third Party App", "--grant-type", "authorization_code",
		"--response-type", "code", "--redirect-uri", seedRedirect, "--scope", "openid,email,profile",
		"--token-endpoint-auth-method", "client_secret_post", "--logo-uri", "https://third.example/logo.png"))
	ctx := context.Background()
	b := newBrowser(t, seedRedirect)
	pkce := oauth2.GenerateVerifier()

	// 1. Not signed in: the built-in login page, with the challenge.
	r1 := newRP(t, in, first, oidc.ScopeOpenID, "email", "profile", "phone")
	resp := b.get(r1.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce), oidc.Nonce("nonce-123456")))
	if resp.Request.URL.Path != "/login" {
		t.Fatalf("expected the login page, got %s (%d)", resp.Request.URL, resp.StatusCode)
	}
	done := b.signIn(in, resp, "ada@example.com", "correct horse battery staple 9")
	loc, _ := url.Parse(done.Header.Get("Location"))
	if (done.StatusCode != http.StatusFound && done.StatusCode != http.StatusSeeOther) || !strings.HasPrefix(done.Header.Get("Location"), seedRedirect) || loc.Query().Get("code") == "" {
		t.Fatalf("after sign-in the first-party client must get a code without consent: %d %s", done.StatusCode, done.Header.Get("Location"))
	}
	tok, err := r1.cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(pkce))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := r1.verifier.Verify(ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	_ = idt.Claims(&claims)
	if idt.Subject != subject || claims["email"] != "ada@example.com" || claims["name"] != "Ada Lovelace" || claims["nonce"] != "nonce-123456" {
		t.Fatalf("id_token: sub=%s %v", idt.Subject, claims)
	}
	ui, err := r1.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	var uc map[string]any
	_ = ui.Claims(&uc)
	if uc["email"] != "ada@example.com" || uc["phone_number"] != "+441234567890" || uc["name"] != "Ada Lovelace" {
		t.Fatalf("userinfo: %v", uc)
	}

	// 2. Signed in: the third-party client skips the login page and shows
	// the consent page.
	r3 := newRP(t, in, third, oidc.ScopeOpenID, "email", "profile")
	resp, err = b.c.Get(r3.cfg.AuthCodeURL("state-abcdefg", oauth2.S256ChallengeOption(pkce)))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Request.URL.Path != "/consent" || resp.StatusCode != 200 {
		t.Fatalf("expected the consent page, got %s (%d)", resp.Request.URL, resp.StatusCode)
	}
	html := string(page)
	for _, want := range []string{"Third Party App", "https://third.example/logo.png", `type="checkbox"`, `value="email"`, "Your email address"} {
		if !strings.Contains(html, want) {
			t.Fatalf("consent page lacks %q", want)
		}
	}
	fields := map[string]string{}
	for _, m := range hiddenInput.FindAllStringSubmatch(html, -1) {
		fields[m[1]] = m[2]
	}
	// Without the CSRF token the decision is refused.
	resp, _ = b.c.PostForm(in.Public+"/consent", url.Values{"consent_challenge": {fields["consent_challenge"]}, "action": {"allow"}})
	resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Location"), seedRedirect) {
		t.Fatal("a consent without a CSRF token was accepted")
	}
	// Tick openid and profile, not email.
	resp, err = b.c.PostForm(in.Public+"/consent", url.Values{"csrf_token": {fields["csrf_token"]},
		"consent_challenge": {fields["consent_challenge"]}, "action": {"allow"}, "grant_scope": {"openid", "profile"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("code") == "" {
		t.Fatalf("after consent: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err = r3.cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(pkce))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Extra("scope") != "openid profile" {
		t.Fatalf("granted scope: %v", tok.Extra("scope"))
	}
	ui, err = r3.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	uc = map[string]any{}
	_ = ui.Claims(&uc)
	if uc["email"] != nil || uc["name"] != "Ada Lovelace" {
		t.Fatalf("userinfo must follow the granted scopes: %v", uc)
	}

	// 3. Deny on the consent page: access_denied to the client.
	resp, _ = b.c.Get(r3.cfg.AuthCodeURL("state-denied", oauth2.S256ChallengeOption(pkce)))
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fields = map[string]string{}
	for _, m := range hiddenInput.FindAllStringSubmatch(string(page), -1) {
		fields[m[1]] = m[2]
	}
	resp, _ = b.c.PostForm(in.Public+"/consent", url.Values{"csrf_token": {fields["csrf_token"]},
		"consent_challenge": {fields["consent_challenge"]}, "action": {"deny"}})
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("error") != "access_denied" {
		t.Fatalf("deny: %s", resp.Header.Get("Location"))
	}

	// 4. Logging out through the OpenID provider (confirmed on the
	// built-in page) ends the Cerberus session too: the next authorization
	// shows the login page again.
	_, fields = b.logoutPage(in, url.Values{})
	resp = b.answer(in, url.Values{"csrf_token": {fields["csrf_token"]}, "logout_challenge": {fields["logout_challenge"]}, "action": {"signout"}})
	if resp = b.get(resp.Header.Get("Location")); resp.Request.URL.Path != "/oauth2/sessions/logout/done" {
		t.Fatalf("logout ended at %s (%d)", resp.Request.URL, resp.StatusCode)
	}
	resp = b.get(r1.cfg.AuthCodeURL("state-relogin", oauth2.S256ChallengeOption(pkce)))
	if resp.Request.URL.Path != "/login" {
		t.Fatalf("after logout the login page must show, got %s", resp.Request.URL)
	}
}

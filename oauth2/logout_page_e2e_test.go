package oauth2_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cerberus-iam/cerberus/internal/testbin"
)

var logoutInput = regexp.MustCompile(`name="(csrf_token|logout_challenge)" value="([^"]*)"`)

// open visits u and returns the last response and its body.
func (b *browser) open(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// logoutPage visits the logout endpoint and expects the built-in sign-out
// question; it returns the page and its hidden fields.
func (b *browser) logoutPage(in *testbin.Instance, q url.Values) (string, map[string]string) {
	b.t.Helper()
	resp, body := b.open(in.Public + "/oauth2/sessions/logout?" + q.Encode())
	if resp.Request.URL.Path != "/logout" || resp.StatusCode != 200 {
		b.t.Fatalf("expected the sign-out page, got %s (%d)", resp.Request.URL, resp.StatusCode)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options"} {
		if resp.Header.Get(h) == "" {
			b.t.Fatalf("the sign-out page lacks %s", h)
		}
	}
	fields := map[string]string{}
	for _, m := range logoutInput.FindAllStringSubmatch(body, -1) {
		fields[m[1]] = m[2]
	}
	if fields["csrf_token"] == "" || fields["logout_challenge"] == "" {
		b.t.Fatalf("the sign-out form lacks its hidden fields:\n%s", body)
	}
	return body, fields
}

// answer posts the sign-out form and returns the response (not followed).
func (b *browser) answer(in *testbin.Instance, form url.Values) *http.Response {
	b.t.Helper()
	c := *b.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(in.Public+"/logout", form)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// signedIn reports whether the browser's Cerberus session is active.
func (b *browser) signedIn(in *testbin.Instance) bool {
	b.t.Helper()
	resp := b.get(in.Public + "/sessions/whoami")
	return resp.StatusCode == 200
}

// backchannelCount is how many logout tokens the app received.
func (a *loginApp) backchannelCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.backchannel)
}

// logoutState is the admin API's view of a logout request: 200 while it
// waits for an answer, 410 once answered, 404 when unknown.
func logoutState(t *testing.T, in *testbin.Instance, challenge string) int {
	t.Helper()
	resp := getJSON(t, in.Admin+"/admin/oauth2/auth/requests/logout?logout_challenge="+url.QueryEscape(challenge), nil)
	return resp.StatusCode
}

// TestBuiltinLogoutPage: with no urls.logout, RP-initiated logout for a
// client without skip_logout_consent asks on the built-in page, which
// names the client and the person. A missing or forged CSRF token, or
// another browser holding the challenge, changes nothing; "Stay signed in"
// keeps every session and tells the client nothing; "Sign out" ends the
// sessions, logs the client out over the back channel and returns to its
// post_logout_redirect_uri with its state; answered and unknown challenges
// are refused; a logout with no id_token_hint asks too; a
// skip_logout_consent client is not asked.
func TestBuiltinLogoutPage(t *testing.T) {
	in := startInProcess(t)
	app := newLoginApp(t) // only its back-channel receiver
	createIdentity(t, in, "ada@example.com", "correct horse battery staple 9")
	createIdentity(t, in, "grace@example.com", "correct horse battery staple 9")
	const bye = "http://localhost:8000/bye"
	portal := listing(t, cli(t, in, "clients", "create", "--name", "Portal", "--grant-type", "authorization_code",
		"--response-type", "code", "--redirect-uri", seedRedirect, "--scope", "openid", "--skip-consent",
		"--token-endpoint-auth-method", "client_secret_post", "--post-logout-callback", bye,
		"--backchannel-logout-callback", app.srv.URL+"/backchannel", "--backchannel-logout-session-required"))
	first := listing(t, cli(t, in, "clients", "create", "--name", "First", "--grant-type", "authorization_code",
		"--response-type", "code", "--redirect-uri", seedRedirect, "--scope", "openid", "--skip-consent",
		"--skip-logout-consent", "--token-endpoint-auth-method", "client_secret_post", "--post-logout-callback", bye))
	ctx := context.Background()
	pkce := oauth2.GenerateVerifier()

	// signIn signs b in through client c's authorization request and
	// returns its ID token.
	signIn := func(b *browser, c map[string]string, email string) string {
		t.Helper()
		r := newRP(t, in, c, oidc.ScopeOpenID)
		resp := b.get(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce)))
		if resp.Request.URL.Path == "/login" {
			resp = b.signIn(in, resp, email, "correct horse battery staple 9")
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc == nil || loc.Query().Get("code") == "" {
			t.Fatalf("no code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		tok, err := r.cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(pkce))
		if err != nil {
			t.Fatal(err)
		}
		return tok.Extra("id_token").(string)
	}

	b := newBrowser(t, seedRedirect)
	idToken := signIn(b, portal, "ada@example.com")
	b.redirect = bye
	logout := url.Values{"id_token_hint": {idToken}, "post_logout_redirect_uri": {bye}, "state": {"bye-state"}}
	page, fields := b.logoutPage(in, logout)
	for _, want := range []string{"Portal", "asks to sign you out", "Ada Lovelace", "ada@example.com", "Sign out", "Stay signed in"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the sign-out page lacks %q:\n%s", want, page)
		}
	}
	challenge := fields["logout_challenge"]
	unchanged := func(what string, resp *http.Response) {
		t.Helper()
		if strings.HasPrefix(resp.Header.Get("Location"), bye) || strings.Contains(resp.Header.Get("Location"), "logout_verifier") {
			t.Fatalf("%s: the logout went ahead: %s", what, resp.Header.Get("Location"))
		}
		if code := logoutState(t, in, challenge); code != 200 {
			t.Fatalf("%s: the logout request changed state (%d)", what, code)
		}
		if !b.signedIn(in) {
			t.Fatalf("%s: the browser was signed out", what)
		}
	}

	t.Run("without a CSRF token nothing happens", func(t *testing.T) {
		unchanged("no token", b.answer(in, url.Values{"logout_challenge": {challenge}, "action": {"signout"}}))
		unchanged("no token, stay", b.answer(in, url.Values{"logout_challenge": {challenge}, "action": {"stay"}}))
	})
	t.Run("a forged CSRF token changes nothing", func(t *testing.T) {
		forged := fields["csrf_token"][:len(fields["csrf_token"])-4] + "AAAA"
		unchanged("forged token", b.answer(in, url.Values{"csrf_token": {forged}, "logout_challenge": {challenge}, "action": {"signout"}}))
	})
	t.Run("another browser cannot see or answer the request", func(t *testing.T) {
		other := newBrowser(t, seedRedirect)
		resp, body := other.open(in.Public + "/logout?logout_challenge=" + url.QueryEscape(challenge))
		if resp.Request.URL.Path == "/logout" || strings.Contains(body, "Ada Lovelace") {
			t.Fatalf("a stranger saw the request: %s", resp.Request.URL)
		}
		// Signed in as someone else, with a valid token of its own.
		signIn(other, portal, "grace@example.com")
		_, own := other.logoutPage(in, url.Values{})
		unchanged("other browser", other.answer(in, url.Values{"csrf_token": {own["csrf_token"]},
			"logout_challenge": {challenge}, "action": {"signout"}}))
	})

	t.Run("stay signed in", func(t *testing.T) {
		resp := b.answer(in, url.Values{"csrf_token": {fields["csrf_token"]}, "logout_challenge": {challenge}, "action": {"stay"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/logout?") {
			t.Fatalf("stay: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		got, body := b.open(in.Public + resp.Header.Get("Location"))
		if got.StatusCode != 200 || !strings.Contains(body, "You are still signed in") || strings.Contains(body, `name="action"`) {
			t.Fatalf("after staying: %d\n%s", got.StatusCode, body)
		}
		// Hydra's reject: the client hears nothing, the sessions stay.
		if code := logoutState(t, in, challenge); code != http.StatusGone {
			t.Fatalf("the request must be answered: %d", code)
		}
		if !b.signedIn(in) {
			t.Fatal("staying signed in signed the browser out")
		}
		if n := app.backchannelCount(); n != 0 {
			t.Fatalf("the client was told about a logout that did not happen (%d tokens)", n)
		}
		// The answered challenge cannot be turned into a sign-out.
		resp = b.answer(in, url.Values{"csrf_token": {fields["csrf_token"]}, "logout_challenge": {challenge}, "action": {"signout"}})
		if strings.Contains(resp.Header.Get("Location"), "logout_verifier") || !b.signedIn(in) {
			t.Fatalf("a rejected request was accepted: %s", resp.Header.Get("Location"))
		}
		// The OAuth2 login is remembered still: no login page.
		b.redirect = seedRedirect
		signIn(b, portal, "")
		b.redirect = bye
	})

	t.Run("unknown challenges are refused", func(t *testing.T) {
		resp, _ := b.open(in.Public + "/logout?logout_challenge=not-a-challenge")
		if resp.Request.URL.Path != "/error" || resp.StatusCode != 200 {
			t.Fatalf("unknown challenge: %s (%d)", resp.Request.URL, resp.StatusCode)
		}
		resp = b.answer(in, url.Values{"csrf_token": {fields["csrf_token"]}, "logout_challenge": {"not-a-challenge"}, "action": {"signout"}})
		if !strings.Contains(resp.Header.Get("Location"), "/error") {
			t.Fatalf("unknown challenge posted: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("sign out", func(t *testing.T) {
		_, fields := b.logoutPage(in, logout)
		resp := b.answer(in, url.Values{"csrf_token": {fields["csrf_token"]}, "logout_challenge": {fields["logout_challenge"]}, "action": {"signout"}})
		verifier := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(verifier, "/oauth2/sessions/logout?logout_verifier=") {
			t.Fatalf("sign out: %d %s", resp.StatusCode, verifier)
		}
		resp = b.get(verifier)
		if resp.Header.Get("Location") != bye+"?state=bye-state" {
			t.Fatalf("after signing out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if b.signedIn(in) {
			t.Fatal("the Cerberus session survived the sign-out")
		}
		if n := app.backchannelCount(); n != 1 {
			t.Fatalf("back-channel logout tokens: %d", n)
		}
		// Replays: the verifier and the answered challenge.
		if resp := b.get(verifier); resp.StatusCode != 400 {
			t.Fatalf("a replayed verifier: %d", resp.StatusCode)
		}
		resp = b.answer(in, url.Values{"csrf_token": {fields["csrf_token"]}, "logout_challenge": {fields["logout_challenge"]}, "action": {"signout"}})
		if !strings.Contains(resp.Header.Get("Location"), "/error") {
			t.Fatalf("a replayed challenge: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		// The next authorization asks for a login.
		r := newRP(t, in, portal, oidc.ScopeOpenID)
		if resp := b.get(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce))); resp.Request.URL.Path != "/login" {
			t.Fatalf("after signing out the login page must show, got %s", resp.Request.URL)
		}
	})

	t.Run("without id_token_hint the page asks too", func(t *testing.T) {
		// Signed in to Cerberus only, with no OAuth2 login at all.
		nb := newBrowser(t, bye)
		nb.signIn(in, nb.get(in.Public+"/self-service/login/browser"), "ada@example.com", "correct horse battery staple 9")
		if !nb.signedIn(in) {
			t.Fatal("not signed in")
		}
		page, fields := nb.logoutPage(in, url.Values{})
		if !strings.Contains(page, "Do you want to sign out?") || !strings.Contains(page, "ada@example.com") {
			t.Fatalf("the sign-out page without a client:\n%s", page)
		}
		resp := nb.answer(in, url.Values{"csrf_token": {fields["csrf_token"]}, "logout_challenge": {fields["logout_challenge"]}, "action": {"signout"}})
		if resp = nb.get(resp.Header.Get("Location")); resp.Request.URL.Path != "/oauth2/sessions/logout/done" {
			t.Fatalf("after signing out: %s (%d)", resp.Request.URL, resp.StatusCode)
		}
		if nb.signedIn(in) {
			t.Fatal("the Cerberus session survived the sign-out")
		}
	})

	t.Run("skip_logout_consent is not asked", func(t *testing.T) {
		fb := newBrowser(t, seedRedirect)
		idToken := signIn(fb, first, "ada@example.com")
		fb.redirect = bye
		resp := fb.get(in.Public + "/oauth2/sessions/logout?" + url.Values{"id_token_hint": {idToken},
			"post_logout_redirect_uri": {bye}, "state": {"s-first"}}.Encode())
		if resp.Header.Get("Location") != bye+"?state=s-first" {
			t.Fatalf("skip_logout_consent: %d %s (%s)", resp.StatusCode, resp.Header.Get("Location"), resp.Request.URL)
		}
		if fb.signedIn(in) {
			t.Fatal("the Cerberus session survived the logout")
		}
	})
}

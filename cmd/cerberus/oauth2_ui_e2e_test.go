package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// A person signs up in headless Chromium, then a third-party application
// (created with `cerberus clients create`) asks for access: /oauth2/auth
// finds the browser signed in, shows the built-in consent page with the
// client's name and its scopes as checkboxes, and the person allows only
// some of them; the application receives its code. Then the application
// signs the person out (RP-initiated, with its ID token): the built-in
// sign-out page names it and the person; "Stay signed in" keeps the
// session, "Sign out" ends it and returns to the application with its
// state.
func TestOAuth2ConsentInChromium(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><title>callback</title><h1>Callback received</h1>"))
	}))
	defer app.Close()
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: seed000Config(t) + `
selfservice:
  flows:
    registration:
      after:
        password:
          hooks: [{hook: session}]
oauth2:
  hashers: { pbkdf2: { iterations: 25000 } }
`})
	out, code := testbin.Run(t, context.Background(), []string{"CERBERUS_ADMIN_URL=" + in.Admin},
		"clients", "create", "--name", "Location Insights", "--grant-type", "authorization_code",
		"--response-type", "code", "--redirect-uri", app.URL+"/cb", "--scope", "openid,email,profile",
		"--token-endpoint-auth-method", "client_secret_post", "--post-logout-callback", app.URL+"/bye", "--format", "json")
	if code != 0 {
		t.Fatalf("clients create: %s", out)
	}
	var created struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &created); err != nil {
		t.Fatalf("clients create: %v\n%s", err, out)
	}
	id := created.ID

	ctx := newBrowser(t)
	pub := in.Public
	run(t, ctx, "sign up",
		chromedp.Navigate(pub+"/registration"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="traits.email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="traits.email"]`), "ada@example.org"),
		chromedp.SendKeys(chromedp.CSS(`input[name="traits.full_name"]`), "Ada Lovelace"),
		chromedp.SendKeys(chromedp.CSS(`input[name="traits.phone_number"]`), "+14155552671"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "analytical-engine-1843"),
		submit(`button[value="password"]`),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Welcome back")]`)))

	auth := pub + "/oauth2/auth?" + url.Values{"client_id": {id}, "response_type": {"code"}, "scope": {"openid email profile"},
		"redirect_uri": {app.URL + "/cb"}, "state": {"state-in-chromium"}}.Encode()
	var text, loc string
	run(t, ctx, "consent page",
		chromedp.Navigate(auth),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/consent"]`)),
		shot(t, ctx, "oauth2-consent"),
		into(chromedp.Text(chromedp.CSS(`.card`)), &text))
	for _, want := range []string{"Location Insights", "Your email address", "Your name and profile", "Allow", "Deny"} {
		if !strings.Contains(text, want) {
			t.Fatalf("consent page lacks %q: %s", want, text)
		}
	}
	run(t, ctx, "allow without email",
		chromedp.Click(chromedp.CSS(`input[value="email"]`)),
		submit(`button[value="allow"]`),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Callback received")]`)),
		into(chromedp.Location(), &loc))
	u, _ := url.Parse(loc)
	if u == nil || u.Query().Get("code") == "" || u.Query().Get("state") != "state-in-chromium" || u.Query().Get("scope") != "openid profile" {
		t.Fatalf("callback: %s", loc)
	}

	// The application redeems the code and later signs the person out.
	code, _, body := httpDo(t, "POST", pub+"/oauth2/token", url.Values{"grant_type": {"authorization_code"},
		"code": {u.Query().Get("code")}, "redirect_uri": {app.URL + "/cb"}, "client_id": {id},
		"client_secret": {created.Secret}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if code != 200 || json.Unmarshal(body, &tok) != nil || tok.IDToken == "" {
		t.Fatalf("token: %d %s", code, body)
	}
	logout := pub + "/oauth2/sessions/logout?" + url.Values{"id_token_hint": {tok.IDToken},
		"post_logout_redirect_uri": {app.URL + "/bye"}, "state": {"bye-in-chromium"}}.Encode()
	run(t, ctx, "sign-out page",
		chromedp.Navigate(logout),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
		shot(t, ctx, "oauth2-logout"),
		into(chromedp.Text(chromedp.CSS(`.card`)), &text))
	for _, want := range []string{"Location Insights asks to sign you out", "Ada Lovelace", "ada@example.org", "Sign out", "Stay signed in"} {
		if !strings.Contains(text, want) {
			t.Fatalf("sign-out page lacks %q: %s", want, text)
		}
	}
	run(t, ctx, "stay signed in",
		submit(`button[value="stay"]`),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "still signed in")]`)),
		shot(t, ctx, "oauth2-logout-stayed"),
		chromedp.Navigate(pub+"/welcome"),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Welcome back")]`)))
	run(t, ctx, "sign out",
		chromedp.Navigate(logout),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
		submit(`button[value="signout"]`),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Callback received")]`)),
		into(chromedp.Location(), &loc))
	if loc != app.URL+"/bye?state=bye-in-chromium" {
		t.Fatalf("after signing out: %s", loc)
	}
	run(t, ctx, "signed out",
		chromedp.Navigate(pub+"/welcome"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="identifier"]`)))
}

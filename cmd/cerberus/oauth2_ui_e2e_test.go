package main

import (
	"context"
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
// some of them; the application receives its code.
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
		"--token-endpoint-auth-method", "client_secret_post", "--format", "json")
	if code != 0 {
		t.Fatalf("clients create: %s", out)
	}
	id := out[strings.Index(out, `"client_id":"`)+len(`"client_id":"`):]
	id = id[:strings.Index(id, `"`)]

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
}

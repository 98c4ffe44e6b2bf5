package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// chromium finds Debian's chromium (installed by `make deps`).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed: run `make deps` (Debian: apt-get install chromium)")
	return ""
}

// newBrowser starts headless Chromium with a fresh profile.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1024, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// shot saves a full-page PNG screenshot under the test's artifact folder.
func shot(t *testing.T, _ context.Context, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		dir := testbin.ArtifactDir(t)
		if dir == "" {
			return nil
		}
		buf, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	})
}

// submit clicks a submit button and waits for the next page: the old
// document is marked first, so a wait cannot match the page being left.
func submit(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SetAttributeValue(chromedp.CSS("body"), "data-left", "1"),
		chromedp.Click(chromedp.Search(sel)),
		chromedp.WaitNotPresent(chromedp.CSS("body[data-left]")),
		chromedp.WaitReady(chromedp.CSS("body")),
	)
}

// into runs an action that returns a value and keeps the value.
func into[T any](a chromedp.Action[T], dst *T) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		v, err := a(ctx, tg)
		*dst = v
		return err
	})
}

func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
		t.Fatalf("%s: %v\nat %s\n%s", step, err, loc, html)
	}
}

// apiLogin signs in through the API flow, as a native app would.
func apiLogin(t *testing.T, pub, id, pw string) string {
	t.Helper()
	code, _, body := httpDo(t, "GET", pub+"/self-service/login/api", "", "Accept", "application/json")
	var f struct {
		UI struct{ Action string } `json:"ui"`
	}
	if code != 200 || json.Unmarshal(body, &f) != nil {
		t.Fatalf("login/api: %d %s", code, body)
	}
	code, _, body = httpDo(t, "POST", f.UI.Action, `{"method":"password","identifier":"`+id+`","password":"`+pw+`"}`,
		"User-Agent", "curl/8.5.0")
	var out struct {
		SessionToken string `json:"session_token"`
	}
	if code != 200 || json.Unmarshal(body, &out) != nil || out.SessionToken == "" {
		t.Fatalf("api login: %d %s", code, body)
	}
	return out.SessionToken
}

// A person registers with the seed 000 schema, signs out, signs in,
// changes the password (seeing a field error first), and gets throttled,
// all in headless Chromium against the real binary, without JavaScript.
func TestUIEndToEnd(t *testing.T) {
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: seed000Config(t) + `
selfservice:
  flows:
    registration:
      after:
        password:
          hooks: [{hook: session}]
    login:
      throttle:
        identifier: { max_failures: 3, window: 10m, lockout: 5m }
ui:
  product_name: Acme Accounts
  primary_color: "#0f766e"
`})
	ctx := newBrowser(t)
	pub := in.Public
	var loc, text string

	// Sign up: every trait of the schema is a labelled field.
	run(t, ctx, "registration page",
		chromedp.Navigate(pub+"/registration"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="traits.email"]`)),
		shot(t, ctx, "01-registration"),
		into(chromedp.Text(chromedp.CSS(`form`)), &text))
	for _, label := range []string{"E-Mail", "Full Name", "Phone Number", "Password"} {
		if !strings.Contains(text, label) {
			t.Fatalf("registration form lacks the label %q: %s", label, text)
		}
	}
	run(t, ctx, "register",
		chromedp.SendKeys(chromedp.CSS(`input[name="traits.email"]`), "grace@example.org"),
		chromedp.SendKeys(chromedp.CSS(`input[name="traits.full_name"]`), "Grace Hopper"),
		chromedp.SendKeys(chromedp.CSS(`input[name="traits.phone_number"]`), "+14155552671"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "cobol-compiler-1959"),
		submit(`button[value="password"]`),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Welcome back")]`)),
		shot(t, ctx, "02-welcome"),
		into(chromedp.Text(chromedp.CSS(`.card`)), &text))
	if !strings.Contains(text, "grace@example.org") || !strings.Contains(text, "Grace Hopper") {
		t.Fatalf("welcome page: %s", text)
	}

	// Sign out, then sign in again.
	run(t, ctx, "sign out",
		submit(`//a[contains(., "Sign out")]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name="identifier"]`)),
		shot(t, ctx, "03-login"),
		into(chromedp.Location(), &loc))
	if !strings.Contains(loc, "/login?flow=") {
		t.Fatalf("after sign-out: %s", loc)
	}
	run(t, ctx, "sign in",
		chromedp.SendKeys(chromedp.CSS(`input[name="identifier"]`), "Grace@Example.org"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "cobol-compiler-1959"),
		submit(`button[value="password"]`),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Welcome back")]`)))

	// A second session (a native app) shows on the welcome page and can be
	// revoked there with a plain form post.
	apiLogin(t, pub, "grace@example.org", "cobol-compiler-1959")
	run(t, ctx, "sessions list",
		chromedp.Navigate(pub+"/welcome"),
		chromedp.WaitVisible(chromedp.CSS(`.session`)),
		shot(t, ctx, "02b-welcome-sessions"),
		submit(`//button[contains(., "Revoke")]`),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "The session was revoked.")]`)),
		into(chromedp.Text(chromedp.CSS(`.card`)), &text))
	if !strings.Contains(text, "You are not signed in anywhere else.") {
		t.Fatalf("after revoking: %s", text)
	}

	// Settings: a too-short password shows an error next to the field.
	run(t, ctx, "settings",
		submit(`//a[contains(., "Account settings")]`),
		chromedp.WaitVisible(chromedp.ID(`#f-password-password`)),
		shot(t, ctx, "04-settings"),
		chromedp.SendKeys(chromedp.ID(`#f-password-password`), "short"),
		submit(`//form[.//input[@id="f-password-password"]]//button`),
		chromedp.WaitVisible(chromedp.ID(`#f-password-password-msg`)),
		shot(t, ctx, "05-settings-field-error"),
		into(chromedp.Text(chromedp.ID(`f-password-password-msg`)), &text))
	if !strings.Contains(text, "at least 8 characters") {
		t.Fatalf("field error: %q", text)
	}
	var described chromedp.AttributeResult
	run(t, ctx, "field error is tied to its field",
		into(chromedp.AttributeValue(chromedp.ID(`f-password-password`), "aria-describedby"), &described))
	if described.Value != "f-password-password-msg" {
		t.Fatalf("aria-describedby = %q", described.Value)
	}
	run(t, ctx, "change password",
		chromedp.SendKeys(chromedp.ID(`#f-password-password`), "a-new-and-better-passphrase"),
		submit(`//form[.//input[@id="f-password-password"]]//button`),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Your changes have been saved")]`)),
		shot(t, ctx, "06-settings-saved"))

	// Sign out and get throttled: three wrong passwords pause the account.
	run(t, ctx, "sign out again",
		chromedp.Navigate(pub+"/welcome"),
		submit(`//a[contains(., "Sign out")]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name="identifier"]`)))
	for i := 0; i < 4; i++ {
		run(t, ctx, "wrong password",
			chromedp.SetValue(chromedp.CSS(`input[name="identifier"]`), "grace@example.org"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "cobol-compiler-1959"),
			submit(`button[value="password"]`),
			chromedp.WaitVisible(chromedp.CSS(`.messages`)))
	}
	run(t, ctx, "throttled",
		shot(t, ctx, "07-login-throttled"),
		into(chromedp.Text(chromedp.CSS(`.messages`)), &text))
	if !strings.Contains(text, "Too many failed sign-in attempts") {
		t.Fatalf("throttle message: %q", text)
	}
	// The new password still works once the pause is over is covered by the
	// API tests; here the right password is refused while paused.
	run(t, ctx, "right password while throttled",
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "a-new-and-better-passphrase"),
		submit(`button[value="password"]`),
		chromedp.WaitVisible(chromedp.CSS(`.messages`)),
		into(chromedp.Text(chromedp.CSS(`.messages`)), &text))
	if !strings.Contains(text, "Too many failed sign-in attempts") {
		t.Fatalf("right password while paused: %q", text)
	}

	// The same login page on a phone-sized screen.
	run(t, ctx, "mobile layout",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(pub+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="identifier"]`)),
		shot(t, ctx, "09-login-mobile"),
		chromedp.EmulateReset())

	// The error page: a return_to to a foreign host.
	run(t, ctx, "error page",
		chromedp.Navigate(pub+"/self-service/login/browser?return_to=https://evil.example/"),
		chromedp.WaitVisible(chromedp.CSS(`.msg-error`)),
		shot(t, ctx, "08-error"),
		into(chromedp.Text(chromedp.CSS(`.card`)), &text))
	if !strings.Contains(text, "self_service_flow_return_to_forbidden") {
		t.Fatalf("error page: %s", text)
	}
}

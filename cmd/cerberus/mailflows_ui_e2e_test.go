package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cerberus-iam/cerberus/internal/mailtest"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// A person verifies their address and recovers their account with codes
// read from real mails, in headless Chromium on the built-in pages.
func TestUIVerificationAndRecoveryEndToEnd(t *testing.T) {
	smtp := mailtest.New(t, mailtest.Options{Security: mailtest.Plain})
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: mailFlowsConfig(smtp, "code")})
	ctx := newBrowser(t)
	pub := in.Public
	const addr = "ada@example.org"
	var text, loc string

	run(t, ctx, "register",
		chromedp.Navigate(pub+"/registration"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="traits.email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="traits.email"]`), addr),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "analytical-engine-1843"),
		submit(`button[value="password"]`),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Welcome back")]`)))
	code := codeIn(t, smtp.WaitTo(t, addr, 1))

	// Verification: the page asks for the address, then for the code.
	run(t, ctx, "verification page",
		chromedp.Navigate(pub+"/verification"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		shot(t, ctx, "mail-01-verification"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), addr),
		submit(`button[value="code"]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
		shot(t, ctx, "mail-02-verification-code"),
		into(chromedp.Text(chromedp.CSS(`.messages`)), &text))
	if !strings.Contains(text, "verification code has been sent") {
		t.Fatalf("after sending: %q", text)
	}
	// The page sent a second code; the first one was replaced by it.
	code = codeIn(t, smtp.WaitTo(t, addr, 2))
	run(t, ctx, "verify",
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), code),
		submit(`button[value="code"]`),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "You successfully verified your email address.")]`)),
		shot(t, ctx, "mail-03-verified"))

	// Sign out, forget the password, recover from the login page's link.
	run(t, ctx, "sign out",
		chromedp.Navigate(pub+"/welcome"),
		submit(`//a[contains(., "Sign out")]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name="identifier"]`)),
		submit(`//a[contains(., "Forgot your password?")]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		shot(t, ctx, "mail-04-recovery"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), addr),
		submit(`button[value="code"]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
		shot(t, ctx, "mail-05-recovery-code"))
	smtp.WaitTo(t, addr, 3)
	// Resend: a new code replaces the first.
	run(t, ctx, "resend",
		submit(`button[name="email"]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)))
	code = codeIn(t, smtp.WaitTo(t, addr, 4))
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	// (The field takes six digits only: the browser itself refuses
	// anything else before it is sent.)
	run(t, ctx, "wrong recovery code",
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), wrong),
		submit(`button[value="code"]`),
		chromedp.WaitVisible(chromedp.CSS(`.msg-error`)),
		into(chromedp.Text(chromedp.CSS(`.messages`)), &text))
	if !strings.Contains(text, "recovery code is invalid") {
		t.Fatalf("wrong code: %q", text)
	}
	run(t, ctx, "recover",
		chromedp.SetValue(chromedp.CSS(`input[name="code"]`), code),
		submit(`button[value="code"]`),
		chromedp.WaitVisible(chromedp.ID(`#f-password-password`)),
		shot(t, ctx, "mail-06-settings-after-recovery"),
		into(chromedp.Location(), &loc),
		into(chromedp.Text(chromedp.CSS(`.messages`)), &text))
	if !strings.Contains(loc, "/settings?flow=") || !strings.Contains(text, "You successfully recovered your account") {
		t.Fatalf("after recovery: %s %q", loc, text)
	}
	run(t, ctx, "new password",
		chromedp.SendKeys(chromedp.ID(`#f-password-password`), "difference-engine-1822"),
		submit(`//form[.//input[@id="f-password-password"]]//button`),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Your changes have been saved")]`)))
	if a := loginAPI(t, in, addr, "difference-engine-1822"); a.status != 200 {
		t.Fatalf("login with the recovered account's new password: %d %s", a.status, a.raw)
	}
}

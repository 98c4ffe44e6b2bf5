package ui

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

func loginFlow() *flow.Flow {
	f := &flow.Flow{ID: uuid.New(), Kind: flow.Login, Type: flow.Browser, ExpiresAt: time.Now().Add(time.Hour)}
	f.UI = node.NewContainer("https://auth.example.com/self-service/login?flow=" + f.ID.String())
	f.UI.Upsert(node.NewCSRF("tok<en>"))
	f.UI.Upsert(node.NewInput(node.GroupDefault, "identifier", node.InputText, text.NewInfoNodeLabelGenerated("E-Mail"),
		node.Required, node.WithValue(`"><script>alert(1)</script>`)))
	f.UI.Upsert(node.NewInput(node.GroupPassword, "password", node.InputPassword, text.NewInfoNodeLabelPassword(), node.Required,
		node.WithValue("never-shown")))
	f.UI.Upsert(node.NewSubmit(node.GroupPassword, "password", text.NewInfoLoginPassword()))
	f.UI.AddFieldMessage("password", text.NewValidationPasswordMinLength(8, 3))
	f.UI.AddMessage(text.NewValidationInvalidCredentials())
	return f
}

// Every visible input has a label, field errors are tied to their field
// with aria-describedby and aria-invalid, form errors are announced, and
// values are escaped; password values are never rendered back.
func TestFormAccessibilityAndEscaping(t *testing.T) {
	var buf bytes.Buffer
	if err := LoginPage(Brand{ProductName: "Acme"}, loginFlow(), "/reg", "/recover").Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	inputs := regexp.MustCompile(`<input[^>]*>`).FindAllString(html, -1)
	for _, in := range inputs {
		if strings.Contains(in, `type="hidden"`) {
			continue
		}
		id := regexp.MustCompile(`id="([^"]+)"`).FindStringSubmatch(in)
		if id == nil || !strings.Contains(html, `<label for="`+id[1]+`"`) {
			t.Errorf("input without a label: %s", in)
		}
	}
	for _, want := range []string{
		`aria-describedby="f-password-password-msg"`, `aria-invalid="true"`, `id="f-password-password-msg"`,
		`role="alert"`, `value="tok&lt;en&gt;"`,
		`&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s:\n%s", want, html)
		}
	}
	for _, bad := range []string{"<script", "never-shown", "style=", "onclick"} {
		if strings.Contains(html, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
}

func TestContentSecurityPolicy(t *testing.T) {
	csp := contentSecurityPolicy(Brand{LogoURL: "https://cdn.example.com/logo.svg"})
	for _, want := range []string{"default-src 'none'", "script-src 'none'", "style-src 'self'", "img-src 'self' data: https://cdn.example.com",
		"frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Error("no inline styles or scripts")
	}
	// A client's https logo is allowed on its own page only; other
	// schemes are not.
	h := New(Options{Brand: Brand{LogoURL: "https://cdn.example.com/logo.svg"}})
	w := httptest.NewRecorder()
	w.Header().Set("Content-Security-Policy", h.csp)
	h.allowImage(w, "javascript:alert(1)")
	h.allowImage(w, "http://plain.example.com/logo.png")
	if got := w.Header().Get("Content-Security-Policy"); got != h.csp {
		t.Errorf("a non-https logo changed the policy: %q", got)
	}
	h.allowImage(w, "https://app.example.org/img/logo.png?v=2")
	if got := w.Header().Get("Content-Security-Policy"); !strings.Contains(got, "img-src https://app.example.org 'self' data: https://cdn.example.com;") {
		t.Errorf("the client's logo origin is missing: %q", got)
	}
	if got := string(themeCSS(Brand{PrimaryColor: "red;} body{display:none"})); !strings.Contains(got, "#4f46e5") {
		t.Errorf("an invalid colour must fall back, got %q", got)
	}
}

// A sent-code form: the code field is required on the page (not marked
// optional), and "send another code" skips the browser's validation so it
// works with the field empty; the main submit button is validated.
func TestCodeFormValidation(t *testing.T) {
	c := node.NewContainer("https://auth.example.com/self-service/recovery?flow=x")
	g := node.Group("code")
	c.Upsert(node.NewCSRF("tok"))
	c.Upsert(node.NewInput(g, "code", node.InputText, text.NewInfoNodeLabelGenerated("Recovery code"), node.WithAutocomplete("one-time-code")))
	c.Upsert(node.NewSubmit(g, "code", text.NewInfoNodeLabelSubmit()))
	c.Upsert(node.NewInput(g, "email", node.InputSubmit, text.NewInfoNodeLabelResendCode(), node.WithValue("jane@example.com")))
	var buf bytes.Buffer
	if err := FlowForm(c, g).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if strings.Contains(html, "(optional)") {
		t.Error("the code field is labelled optional")
	}
	if in := regexp.MustCompile(`<input[^>]*name="code"[^>]*>`).FindString(html); !strings.Contains(in, " required") {
		t.Errorf("the code field is not required: %s", in)
	}
	buttons := regexp.MustCompile(`<button[^>]*>`).FindAllString(html, -1)
	if len(buttons) != 2 {
		t.Fatalf("want two buttons: %v", buttons)
	}
	for _, b := range buttons {
		resend := strings.Contains(b, `name="email"`)
		if strings.Contains(b, "formnovalidate") != resend {
			t.Errorf("formnovalidate must be on the resend button only: %s", b)
		}
	}
}

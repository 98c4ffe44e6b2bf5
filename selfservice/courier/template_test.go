package courier

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/config"
)

func TestTemplateOverrides(t *testing.T) {
	dir := t.TempDir()
	over := filepath.Join(dir, "verification", "valid")
	if err := os.MkdirAll(over, 0o755); err != nil {
		t.Fatal(err)
	}
	// Kratos's template_override_path layout; only the subject is replaced.
	if err := os.WriteFile(filepath.Join(over, "email.subject.gotmpl"), []byte(`Confirm {{ .To | upper }}`), 0o644); err != nil {
		t.Fatal(err)
	}
	textFile := filepath.Join(dir, "recovery.txt")
	if err := os.WriteFile(textFile, []byte(`Hi {{ .Identity.traits.name.first }}, go to {{ .RecoveryURL }}`), 0o644); err != nil {
		t.Fatal(err)
	}
	b64 := func(s string) string { return "base64://" + base64.StdEncoding.EncodeToString([]byte(s)) }
	c := config.Courier{TemplateOverridePath: dir, Templates: &config.CourierTemplates{Recovery: &config.TemplateVariants{
		Valid: &config.TemplateChannels{Email: &config.EmailTemplateURLs{Subject: b64("Recover, {{ .Identity.traits.name.first }}\r\nBcc: evil@example.com")}}}}}
	c.Templates.Recovery.Valid.Email.Body.Plaintext = "file://" + textFile
	c.Templates.Recovery.Valid.Email.Body.HTML = b64(`<p>{{ .Identity.traits.name.first }}</p>`)
	tpl, err := LoadTemplates(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tpl.Render(VerificationValid, &TemplateData{To: "a@b.c", VerificationURL: "https://x/v"})
	if err != nil || got.Subject != "Confirm A@B.C" || !strings.Contains(got.Text, "https://x/v") {
		t.Fatalf("override path: %+v %v", got, err)
	}
	id := map[string]any{"traits": map[string]any{"name": map[string]any{"first": "<script>alert(1)</script>"}}}
	got, err = tpl.Render(RecoveryValid, &TemplateData{RecoveryURL: "https://x/r", Identity: id})
	if err != nil {
		t.Fatal(err)
	}
	// A line break in the subject would let a trait add headers.
	if strings.ContainsAny(got.Subject, "\r\n") || got.Subject != "Recover, <script>alert(1)</script> Bcc: evil@example.com" {
		t.Fatalf("subject = %q", got.Subject)
	}
	if got.Text != "Hi <script>alert(1)</script>, go to https://x/r" {
		t.Fatalf("text = %q", got.Text)
	}
	// HTML escapes traits by context.
	if got.HTML != "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" {
		t.Fatalf("html = %q", got.HTML)
	}
}

func TestTemplateErrorsStopStartup(t *testing.T) {
	b64 := func(s string) string { return "base64://" + base64.StdEncoding.EncodeToString([]byte(s)) }
	for name, c := range map[string]struct {
		subject string
		want    string
	}{
		"syntax error":                 {b64("{{ .To "), "recovery_valid"},
		"unknown field":                {b64("{{ .RecoverURL }}"), "can't evaluate field RecoverURL"},
		"env is not available":         {b64(`{{ env "SECRETS_SYSTEM_0" }}`), `function "env" not defined`},
		"missing file":                 {"file:///nonexistent/subject.gotmpl", "no such file"},
		"not base64":                   {"base64://%%%", "does not hold base64"},
		"remote templates are refused": {"https://example.com/t", "only file:// and base64://"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := config.Courier{Templates: &config.CourierTemplates{Recovery: &config.TemplateVariants{
				Valid: &config.TemplateChannels{Email: &config.EmailTemplateURLs{Subject: c.subject}}}}}
			_, err := LoadTemplates(cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestBuiltinTemplatesCarryTheirSecret(t *testing.T) {
	tpl, err := LoadTemplates(config.Courier{})
	if err != nil {
		t.Fatal(err)
	}
	d := &TemplateData{To: "p@example.com", RecoveryURL: "https://r/x", RecoveryCode: "111111", VerificationURL: "https://v/x",
		VerificationCode: "222222", ExpiresInMinutes: 60}
	for tt, want := range map[TemplateType]string{RecoveryValid: "https://r/x", RecoveryCodeValid: "111111",
		VerificationValid: "https://v/x", VerificationCodeValid: "222222", RecoveryInvalid: "no account",
		RecoveryCodeInvalid: "no account", VerificationInvalid: "no account uses it", VerificationCodeInvalid: "no account uses it"} {
		c, err := tpl.Render(tt, d)
		if err != nil || c.Subject == "" || !strings.Contains(c.Text, want) || !strings.Contains(c.HTML, want) {
			t.Errorf("%s: %+v %v", tt, c, err)
		}
	}
}

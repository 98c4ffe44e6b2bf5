package courier

import (
	"bytes"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// TemplateType names a template and its variant, Kratos's template_type
// values: valid templates go to known addresses, invalid ones tell an
// unknown address that no account uses it.
type TemplateType string

// The templates this version sends.
const (
	RecoveryValid           TemplateType = "recovery_valid"
	RecoveryInvalid         TemplateType = "recovery_invalid"
	RecoveryCodeValid       TemplateType = "recovery_code_valid"
	RecoveryCodeInvalid     TemplateType = "recovery_code_invalid"
	VerificationValid       TemplateType = "verification_valid"
	VerificationInvalid     TemplateType = "verification_invalid"
	VerificationCodeValid   TemplateType = "verification_code_valid"
	VerificationCodeInvalid TemplateType = "verification_code_invalid"
)

// templateTypes lists every template with its directory and variant.
var templateTypes = []struct {
	t             TemplateType
	name, variant string
}{
	{RecoveryValid, "recovery", "valid"}, {RecoveryInvalid, "recovery", "invalid"},
	{RecoveryCodeValid, "recovery_code", "valid"}, {RecoveryCodeInvalid, "recovery_code", "invalid"},
	{VerificationValid, "verification", "valid"}, {VerificationInvalid, "verification", "invalid"},
	{VerificationCodeValid, "verification_code", "valid"}, {VerificationCodeInvalid, "verification_code", "invalid"},
}

// TemplateData is what a template sees, Kratos's field names. Fields a
// template type does not use stay empty.
type TemplateData struct {
	// To is the recipient address.
	To               string
	RecoveryURL      string
	RecoveryCode     string
	VerificationURL  string
	VerificationCode string
	// Identity is the identity as the public API shows it (id, traits,
	// verifiable_addresses, ...), nil for invalid templates.
	Identity map[string]any
	// RequestURL is the URL the flow was started at.
	RequestURL       string
	TransientPayload map[string]any
	// ExpiresInMinutes is the code's or link's remaining life.
	ExpiresInMinutes int
}

//go:embed templates
var builtin embed.FS

// The parts of an e-mail template and their file names (Kratos's layout).
const (
	partSubject = "email.subject.gotmpl"
	partHTML    = "email.body.gotmpl"
	partText    = "email.body.plaintext.gotmpl"
)

type emailTemplate struct {
	subject, text *texttemplate.Template
	html          *htmltemplate.Template
}

// Templates are the parsed e-mail templates.
type Templates struct {
	set map[TemplateType]*emailTemplate
}

// funcs are sprig's functions minus those that reach outside the template:
// the process environment (secrets live there) and DNS.
func textFuncs() texttemplate.FuncMap {
	f := sprig.TxtFuncMap()
	for _, name := range unsafeFuncs {
		delete(f, name)
	}
	return f
}

func htmlFuncs() htmltemplate.FuncMap {
	f := sprig.HtmlFuncMap()
	for _, name := range unsafeFuncs {
		delete(f, name)
	}
	return f
}

var unsafeFuncs = []string{"env", "expandenv", "getHostByName"}

// LoadTemplates parses the built-in templates with c's overrides: first
// courier.templates.<name>.<variant>.email.* (file:// or base64:// URLs),
// then files in template_override_path, then the built-in ones. Every
// template is rendered once with sample data, so a typo in a field name
// stops start-up instead of the first recovery e-mail.
func LoadTemplates(c config.Courier) (*Templates, error) {
	t := &Templates{set: map[TemplateType]*emailTemplate{}}
	for _, tt := range templateTypes {
		urls := overrideURLs(c.Templates, tt.name, tt.variant)
		read := func(part, url string) (string, string, error) {
			if url != "" {
				b, err := readTemplateURL(url)
				return string(b), url, err
			}
			if c.TemplateOverridePath != "" {
				p := filepath.Join(c.TemplateOverridePath, tt.name, tt.variant, part)
				b, err := os.ReadFile(p)
				if err == nil {
					return string(b), p, nil
				}
				if !errors.Is(err, fs.ErrNotExist) {
					return "", p, err
				}
			}
			p := "templates/" + tt.name + "/" + tt.variant + "/" + part
			b, err := builtin.ReadFile(p)
			return string(b), "built-in " + p, err
		}
		et := &emailTemplate{}
		src, where, err := read(partSubject, urls.Subject)
		if err == nil {
			et.subject, err = texttemplate.New(where).Funcs(textFuncs()).Parse(src)
		}
		if err == nil {
			src, where, err = read(partText, urls.Body.Plaintext)
		}
		if err == nil {
			et.text, err = texttemplate.New(where).Funcs(textFuncs()).Parse(src)
		}
		if err == nil {
			src, where, err = read(partHTML, urls.Body.HTML)
		}
		if err == nil {
			// html/template escapes trait values by context, so a name like
			// <script> arrives as text.
			et.html, err = htmltemplate.New(where).Funcs(htmlFuncs()).Parse(src)
		}
		if err != nil {
			return nil, fmt.Errorf("courier template %s (%s): %w", tt.t, where, err)
		}
		t.set[tt.t] = et
		if _, err := t.Render(tt.t, sampleData()); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func overrideURLs(c *config.CourierTemplates, name, variant string) config.EmailTemplateURLs {
	if c == nil {
		return config.EmailTemplateURLs{}
	}
	v := map[string]*config.TemplateVariants{"recovery": c.Recovery, "recovery_code": c.RecoveryCode,
		"verification": c.Verification, "verification_code": c.VerificationCode}[name]
	if v == nil {
		return config.EmailTemplateURLs{}
	}
	ch := v.Valid
	if variant == "invalid" {
		ch = v.Invalid
	}
	if ch == nil || ch.Email == nil {
		return config.EmailTemplateURLs{}
	}
	return *ch.Email
}

// readTemplateURL reads a file:// or base64:// template.
func readTemplateURL(u string) ([]byte, error) {
	if p, ok := config.FilePath(u); ok {
		return os.ReadFile(p)
	}
	if rest, ok := strings.CutPrefix(u, "base64://"); ok {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(rest); err == nil {
				return b, nil
			}
		}
		return nil, errors.New("the base64:// URL does not hold base64")
	}
	return nil, errors.New("only file:// and base64:// template URLs are supported")
}

func sampleData() *TemplateData {
	return &TemplateData{To: "person@example.com", RecoveryURL: "https://auth.example.com/r", RecoveryCode: "123456",
		VerificationURL: "https://auth.example.com/v", VerificationCode: "123456",
		Identity:   map[string]any{"id": "00000000-0000-0000-0000-000000000000", "traits": map[string]any{"email": "person@example.com"}},
		RequestURL: "https://auth.example.com/self-service/recovery/browser", ExpiresInMinutes: 60}
}

// Render renders template tt with data.
func (t *Templates) Render(tt TemplateType, data *TemplateData) (Content, error) {
	et, ok := t.set[tt]
	if !ok {
		return Content{}, fmt.Errorf("courier: no template %q", tt)
	}
	var subject, text, html bytes.Buffer
	if err := et.subject.Execute(&subject, data); err != nil {
		return Content{}, fmt.Errorf("courier template %s subject: %w", tt, err)
	}
	if err := et.text.Execute(&text, data); err != nil {
		return Content{}, fmt.Errorf("courier template %s plain-text body: %w", tt, err)
	}
	if err := et.html.Execute(&html, data); err != nil {
		return Content{}, fmt.Errorf("courier template %s HTML body: %w", tt, err)
	}
	return Content{Subject: oneLine(subject.String()), Text: text.String(), HTML: html.String()}, nil
}

// oneLine folds a rendered subject onto one line: a line break in a
// header would let a template (or a trait it prints) add headers.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

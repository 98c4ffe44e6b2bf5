package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// validateCourier (run by serve and `config validate`) refuses what the
// schema cannot see, naming the key.
func TestValidateCourier(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "tpl", "recovery_code", "valid"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tpl", "recovery_code", "valid", "email.subject.gotmpl"), []byte("{{ .Nope }}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ yaml, want string }{
		"seed 001": {`courier: { smtp: { connection_uri: "smtps://test:test@mailslurper:1025/?skip_ssl_verify=true", from_address: kratos@developer-friendly.blog } }
selfservice: { methods: { link: { enabled: true, config: { lifespan: 1h } } }, flows: { recovery: { enabled: true, use: link }, verification: { enabled: true, use: link } } }`, ""},
		"flows without SMTP": {`selfservice: { flows: { verification: { enabled: true } } }`, "courier.smtp.connection_uri: required"},
		"link flow, link off": {`courier: { smtp: { connection_uri: "smtp://m/" } }
selfservice: { flows: { recovery: { enabled: true, use: link } } }`, "selfservice.flows.recovery.use is link, but selfservice.methods.link.enabled is false"},
		"bad URI parameter": {`courier: { smtp: { connection_uri: "smtp://m/?starttls=no" } }`, `unknown parameter "starttls"`},
		"broken override, path relative to the config file": {`courier: { template_override_path: tpl }`, "can't evaluate field Nope"},
	} {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
			if err := os.WriteFile(f, []byte(c.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(config.Options{Files: []string{f}})
			if err != nil {
				t.Fatal(err)
			}
			err = validateCourier(cfg)
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

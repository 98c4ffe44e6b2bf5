package main

import (
	"context"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// With the built-in UI switched off, OAuth2 logins, consents and logouts
// would be sent to pages nobody serves: serve and config validate refuse
// to start and name the keys to set; with them set, both go ahead.
func TestServeRefusesOAuth2WithoutPages(t *testing.T) {
	ctx := context.Background()
	cfg := writeConfig(t, "dsn: postgres://x/y\n"+testSecrets+"ui: { enabled: false }\n")
	for _, cmd := range []string{"serve", "config"} {
		args := []string{cmd, "--config", cfg}
		if cmd == "config" {
			args = []string{"config", "validate", "--config", cfg}
		}
		out, code := testbin.Run(t, ctx, nil, args...)
		assertCleanFailure(t, out, code, "ui.enabled is false",
			"oauth2.urls.login (or selfservice.flows.login.ui_url)", "oauth2.urls.consent", "oauth2.urls.logout")
	}

	ok := writeConfig(t, "dsn: postgres://x/y\n"+testSecrets+`ui: { enabled: false }
selfservice:
  flows:
    login: { ui_url: https://accounts.example.com/login }
oauth2:
  urls:
    consent: https://accounts.example.com/consent
    logout: https://accounts.example.com/logout
`)
	out, code := testbin.Run(t, ctx, nil, "config", "validate", "--config", ok)
	if code != 0 || !strings.Contains(out, "The configuration is valid.") {
		t.Fatalf("every page served elsewhere: exit %d\n%s", code, out)
	}
}

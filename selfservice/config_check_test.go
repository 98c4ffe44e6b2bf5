package selfservice

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/config"
)

func TestCheckConfig(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{`{flows: {login: {after: {hooks: [{hook: session}]}}}}`, `login.after.hooks[0]: hook "session" cannot run here`},
		{`{flows: {registration: {after: {password: {hooks: [{hook: revoke_active_sessions}]}}}}}`, `registration.after.password.hooks[0]`},
		{`{flows: {login: {after: {profile: {hooks: []}}}}}`, `the login flow has no profile method`},
		{`{flows: {settings: {after: {hooks: [{hook: web_hook}]}}}}`, `web_hook needs config.url`},
		{`{flows: {login: {before: {hooks: [{hook: require_verified_address}]}}}}`, `login.before.hooks[0]`},
		{`{flows: {login: {after: {hooks: [{hook: revoke_active_sessions}, {hook: require_verified_address}]}}, registration: {after: {password: {hooks: [{hook: session}]}}}}}`, ``},
		{`{flows: {recovery: {after: {hooks: [{hook: session}]}}}}`, `recovery.after.hooks[0]: hook "session" cannot run here`},
		{`{flows: {verification: {after: {hooks: [{hook: revoke_active_sessions}]}}}}`, `verification.after.hooks[0]`},
		{`{flows: {recovery: {after: {hooks: [{hook: revoke_active_sessions}]}}, registration: {after: {password: {hooks: [{hook: session}, {hook: show_verification_ui}]}}}}}`, ``},
	}
	for _, tc := range cases {
		f := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(f, []byte("selfservice: "+tc.yaml), 0o600)
		c, err := config.Load(config.Options{Files: []string{f}})
		if err != nil {
			t.Fatal(err)
		}
		err = CheckConfig(c.SelfService)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.yaml, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

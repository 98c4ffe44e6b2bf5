package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/testbin"
)

func TestRulesValidateCLI(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(good, []byte(proxyRules), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`[{"id":"a","match":{"url":"http://x/<(>","methods":["GET"]},"authenticators":[{"handler":"cookie_session","config":{"chek_session_url":"x"}}],"authorizer":{"handler":"allow"}}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "cerberus.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(proxyConfig, good)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := testbin.Run(t, context.Background(), nil, "rules", "validate", "--config", cfg, good)
	if code != 0 || !strings.Contains(out, "3 rules valid.") {
		t.Fatalf("good rules: %d %s", code, out)
	}
	// Without --config every handler counts as enabled, but the redirect
	// handler's "to" (global in that config) is then missing.
	out, code = testbin.Run(t, context.Background(), nil, "rules", "validate", good)
	if code != 1 || !strings.Contains(out, `rule "private": errors[0]: config.to: required`) {
		t.Fatalf("good rules without their config: %d %s", code, out)
	}
	out, code = testbin.Run(t, context.Background(), nil, "rules", "validate", bad)
	for _, want := range []string{bad + `: rule "a": match.url: <(> is not a valid regular expression`,
		bad + `: rule "a": authenticators[0]: config.chek_session_url: unknown key (did you mean check_session_url?)`} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("bad rules: exit %d, want %q in:\n%s", code, want, out)
		}
	}
}

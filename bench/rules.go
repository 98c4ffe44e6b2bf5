package main

import (
	"encoding/json"
	"os"
)

// writeRules writes the access rules the proxy scenarios use, in
// Oathkeeper's format, pointing at the upstream echo server. The proxy head
// adds the rules its scenarios need here.
func writeRules(path, proxyURL, upstreamURL string) error {
	header := []map[string]any{{"handler": "header", "config": map[string]any{"headers": map[string]string{"X-User": "{{ print .Subject }}"}}}}
	rule := func(id, prefix, authenticator, description string) map[string]any {
		return map[string]any{
			"id": id, "description": description,
			"match":          map[string]any{"url": proxyURL + "/" + prefix + "/<.*>", "methods": []string{"GET", "POST"}},
			"upstream":       map[string]any{"url": upstreamURL, "strip_path": "/" + prefix},
			"authenticators": []map[string]any{{"handler": authenticator}},
			"authorizer":     map[string]any{"handler": "allow"},
			"mutators":       header,
		}
	}
	rules := []map[string]any{
		rule("bench-anonymous", "anonymous", "anonymous", "anonymous subject, allowed, one header added: the proxy's own cost over a bare reverse proxy"),
		rule("bench-jwt", "jwt", "jwt", "a JWT access token verified with Cerberus's own keys"),
		rule("bench-session", "session", "cookie_session", "a session cookie looked up in process"),
	}
	b, err := json.MarshalIndent(rules, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

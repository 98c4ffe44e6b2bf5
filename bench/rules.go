package main

import (
	"encoding/json"
	"os"
)

// writeRules writes the access rules the proxy scenarios use, in
// Oathkeeper's format, pointing at the upstream echo server. The proxy head
// adds the rules its scenarios need here.
func writeRules(path, proxyURL, upstreamURL string) error {
	rules := []map[string]any{{
		"id":          "bench-anonymous",
		"description": "anonymous subject, allowed, one header added: the proxy's own cost over a bare reverse proxy",
		"match": map[string]any{
			"url":     proxyURL + "/anonymous/<.*>",
			"methods": []string{"GET", "POST"},
		},
		"upstream":       map[string]any{"url": upstreamURL, "strip_path": "/anonymous"},
		"authenticators": []map[string]any{{"handler": "anonymous"}},
		"authorizer":     map[string]any{"handler": "allow"},
		"mutators":       []map[string]any{{"handler": "header", "config": map[string]any{"headers": map[string]string{"X-User": "{{ print .Subject }}"}}}},
	}}
	b, err := json.MarshalIndent(rules, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

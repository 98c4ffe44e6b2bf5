package proxy

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// Validate loads the configured rules as New would, without serving, for
// `cerberus config validate`. Remote repositories are not fetched.
func Validate(ctx context.Context, c *config.Config, src Sources) error {
	local := *c
	local.AccessRules.Repositories = nil
	for _, r := range c.AccessRules.Repositories {
		if len(r) >= 4 && r[:4] == "http" {
			continue
		}
		local.AccessRules.Repositories = append(local.AccessRules.Repositories, r)
	}
	_, err := New(ctx, Options{Config: &local, Sources: src, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Upstream: http.DefaultTransport, Outbound: http.DefaultTransport})
	return err
}

// ValidateFiles parses and compiles rule files (or directories of them)
// against c's handler configuration, reporting every problem with its
// file, rule id and field. With a nil c every handler counts as enabled
// with no global config. It returns the number of valid rules.
func ValidateFiles(ctx context.Context, c *config.Config, src Sources, paths []string) (int, error) {
	if c == nil {
		c = permissiveConfig()
	}
	local := *c
	local.AccessRules.Repositories = nil
	for _, p := range paths {
		local.AccessRules.Repositories = append(local.AccessRules.Repositories, "file://"+absSlash(p))
	}
	h, err := New(ctx, Options{Config: &local, Sources: src, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Upstream: http.DefaultTransport, Outbound: http.DefaultTransport})
	if err != nil {
		return 0, err
	}
	return h.Rules().Len(), nil
}

func permissiveConfig() *config.Config {
	on := true
	h := config.Handler{Enabled: &on}
	c := &config.Config{}
	c.AccessRules.MatchingStrategy = "regexp"
	c.Authenticators = config.Authenticators{Noop: h, Unauthorized: h, Anonymous: h, CookieSession: h, BearerToken: h,
		JWT: h, OAuth2Introspection: h, OAuth2ClientCredentials: h}
	c.Authorizers = config.Authorizers{Allow: h, Deny: h, Remote: h, RemoteJSON: h}
	c.Mutators = config.Mutators{Noop: h, Header: h, Cookie: h, IDToken: h, Hydrator: h}
	c.Errors = config.Errors{Fallback: []string{"json"}, Handlers: config.ErrorHandlers{JSON: h, Redirect: h, WWWAuthenticate: h}}
	c.Serve.Proxy.MaxBodyBytes = 1 << 20
	return c
}

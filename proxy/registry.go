package proxy

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/proxy/authn"
	"github.com/cerberus-iam/cerberus/proxy/authz"
	"github.com/cerberus-iam/cerberus/proxy/errhandler"
	"github.com/cerberus-iam/cerberus/proxy/mutate"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// registry builds a rule's handlers: it checks that the handler is
// enabled, merges the rule's config over the global one, validates the
// result against the handler's schema and hands it to the constructor.
type registry struct {
	cfg    *config.Config
	authn  *authn.Deps
	authz  authz.Deps
	idTok  mutate.IDTokenDeps
	client *clientSet
}

var (
	authenticatorNames = []string{"noop", "unauthorized", "anonymous", "cookie_session", "bearer_token", "jwt", "oauth2_introspection", "oauth2_client_credentials"}
	authorizerNames    = []string{"allow", "deny", "remote", "remote_json"}
	mutatorNames       = []string{"noop", "header", "cookie", "id_token", "hydrator"}
	errorHandlerNames  = []string{"json", "redirect", "www_authenticate"}
)

// prepare finds the global switch and merges and validates the config.
func (g *registry) prepare(section, name string, names []string, h config.Handler, found bool, local json.RawMessage) (map[string]any, error) {
	if !found {
		return nil, fmt.Errorf("%q is not a known handler; use one of %s", name, strings.Join(names, ", "))
	}
	if !h.IsEnabled() {
		sec := section
		if section == "errors" {
			sec = "errors.handlers"
		}
		return nil, fmt.Errorf("handler %q is not enabled: set %s.%s.enabled: true in the configuration", name, sec, name)
	}
	m, err := pipeline.MergeConfig(h.Config, local)
	if err != nil {
		return nil, fmt.Errorf("config: %v", err)
	}
	if !hasConfig(section, name) {
		if len(m) > 0 {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return nil, fmt.Errorf("config: handler %q takes no config (got %s)", name, strings.Join(keys, ", "))
		}
		return m, nil
	}
	if problems := config.CheckDocument("config/"+section+".json#/definitions/"+name, m); len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, p := range problems {
			if p.Path == "" {
				msgs[i] = "config: " + p.Message
			} else {
				msgs[i] = "config." + p.Path + ": " + p.Message
			}
		}
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	return m, nil
}

// hasConfig reports whether a handler has a config schema.
func hasConfig(section, name string) bool {
	switch section {
	case "authenticators":
		return name != "noop" && name != "unauthorized"
	case "authorizers":
		return name == "remote" || name == "remote_json"
	case "mutators":
		return name != "noop"
	}
	return true
}

func decode[T any](m map[string]any) (T, error) {
	var c T
	err := pipeline.DecodeConfig(m, &c)
	return c, err
}

// Authenticator implements pipeline.Registry.
func (g *registry) Authenticator(name string, local json.RawMessage) (pipeline.Authenticator, error) {
	h, ok := g.cfg.Authenticators.Lookup(name)
	m, err := g.prepare("authenticators", name, authenticatorNames, h, ok, local)
	if err != nil {
		return nil, err
	}
	switch name {
	case "noop":
		return authn.Noop{}, nil
	case "unauthorized":
		return authn.Unauthorized{}, nil
	case "anonymous":
		c, err := decode[authn.AnonymousConfig](m)
		if err != nil {
			return nil, err
		}
		return authn.NewAnonymous(c), nil
	case "cookie_session":
		c, err := decode[authn.CookieSessionConfig](m)
		if err != nil {
			return nil, err
		}
		return authn.NewCookieSession(c, g.authn)
	case "bearer_token":
		c, err := decode[authn.BearerTokenConfig](m)
		if err != nil {
			return nil, err
		}
		return authn.NewBearerToken(c, g.authn)
	case "jwt":
		c, err := decode[authn.JWTConfig](m)
		if err != nil {
			return nil, err
		}
		return authn.NewJWT(c, g.authn)
	case "oauth2_introspection":
		c, err := decode[authn.IntrospectionConfig](m)
		if err != nil {
			return nil, err
		}
		return authn.NewIntrospection(c, g.authn)
	case "oauth2_client_credentials":
		c, err := decode[authn.ClientCredentialsConfig](m)
		if err != nil {
			return nil, err
		}
		return authn.NewClientCredentials(c, g.authn)
	}
	return nil, fmt.Errorf("%q is not a known authenticator", name)
}

// Authorizer implements pipeline.Registry.
func (g *registry) Authorizer(name string, local json.RawMessage) (pipeline.Authorizer, error) {
	h, ok := g.cfg.Authorizers.Lookup(name)
	m, err := g.prepare("authorizers", name, authorizerNames, h, ok, local)
	if err != nil {
		return nil, err
	}
	switch name {
	case "allow":
		return authz.Allow{}, nil
	case "deny":
		return authz.Deny{}, nil
	case "remote", "remote_json":
		c, err := decode[authz.RemoteConfig](m)
		if err != nil {
			return nil, err
		}
		return authz.NewRemote(c, name == "remote_json", g.authz)
	}
	return nil, fmt.Errorf("%q is not a known authorizer", name)
}

// Mutator implements pipeline.Registry.
func (g *registry) Mutator(name string, local json.RawMessage) (pipeline.Mutator, error) {
	h, ok := g.cfg.Mutators.Lookup(name)
	if name == "noop" && !h.IsEnabled() && len(local) == 0 {
		// The implied noop of a rule without mutators needs no switch.
		return mutate.Noop{}, nil
	}
	m, err := g.prepare("mutators", name, mutatorNames, h, ok, local)
	if err != nil {
		return nil, err
	}
	switch name {
	case "noop":
		return mutate.Noop{}, nil
	case "header":
		c, err := decode[mutate.HeaderConfig](m)
		if err != nil {
			return nil, err
		}
		return mutate.NewHeader(c)
	case "cookie":
		c, err := decode[mutate.CookieConfig](m)
		if err != nil {
			return nil, err
		}
		return mutate.NewCookie(c)
	case "id_token":
		c, err := decode[mutate.IDTokenConfig](m)
		if err != nil {
			return nil, err
		}
		return mutate.NewIDToken(c, g.idTok)
	case "hydrator":
		c, err := decode[mutate.HydratorConfig](m)
		if err != nil {
			return nil, err
		}
		return mutate.NewHydrator(c, g.client.outbound, g.authn.Now)
	}
	return nil, fmt.Errorf("%q is not a known mutator", name)
}

// ErrorHandler implements pipeline.Registry.
func (g *registry) ErrorHandler(name string, local json.RawMessage) (pipeline.ErrorHandler, error) {
	h, ok := g.cfg.Errors.Handlers.Lookup(name)
	m, err := g.prepare("errors", name, errorHandlerNames, h, ok, local)
	if err != nil {
		return nil, err
	}
	switch name {
	case "json":
		c, err := decode[errhandler.JSONConfig](m)
		if err != nil {
			return nil, err
		}
		return errhandler.NewJSON(c)
	case "redirect":
		c, err := decode[errhandler.RedirectConfig](m)
		if err != nil {
			return nil, err
		}
		return errhandler.NewRedirect(c)
	case "www_authenticate":
		c, err := decode[errhandler.WWWAuthenticateConfig](m)
		if err != nil {
			return nil, err
		}
		return errhandler.NewWWWAuthenticate(c)
	}
	return nil, fmt.Errorf("%q is not a known error handler", name)
}

// Interface guards
var _ pipeline.Registry = (*registry)(nil)

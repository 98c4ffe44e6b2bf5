package main

import (
	"context"
	"fmt"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/oauth2"
	"github.com/cerberus-iam/cerberus/proxy"
)

// mountProxy builds the proxy head: the reverse proxy on the proxy
// listener, the decision and rules API on the api listener.
func (a *app) mountProxy(ctx context.Context) error {
	h, err := proxy.New(ctx, proxy.Options{
		Config:     a.cfg,
		Sources:    a.proxySources(),
		Registerer: a.reg,
		Logger:     a.log,
		Now:        a.now,
		// Upstream requests carry the request's traceparent when tracing.
		WrapTransport: a.tracing.Transport,
	})
	if err != nil {
		return err
	}
	if l := a.srv.Listener(config.ListenerProxy); l != nil {
		h.MountProxy(l.Mux)
	}
	if l := a.srv.Listener(config.ListenerAPI); l != nil {
		h.MountAPI(l.Mux)
	}
	a.workers = append(a.workers, h.Run)
	return nil
}

// proxySources are the in-process session source, key source,
// introspector and signer the proxy's handlers use when no URL is
// configured: the identity head's sessions (adapt_sessions.go), the OAuth2
// head's public keys and ID token signing key (adapt_keys.go) and its
// token introspection (oauth2.Head.Introspect, the same answer as
// POST /admin/oauth2/introspect).
func (a *app) proxySources() proxy.Sources {
	var src proxy.Sources
	if a.identity != nil {
		src.Sessions = sessionSource{m: a.identity.sessions}
	}
	if a.oauth2 != nil {
		src.Keys = keySource{m: a.oauth2.Keys()}
		src.Signer = idTokenSigner{m: a.oauth2.Keys()}
		src.Introspector = a.oauth2
	}
	return src
}

// validationSources are the in-process sources as `config validate` and
// `rules validate` see them: the same set serve wires (sessions, keys,
// signer, introspector), so a rule that needs a missing one is reported
// before serve would refuse it. Validation never calls them.
func validationSources() proxy.Sources {
	return proxy.Sources{Sessions: sessionSource{}, Keys: keySource{}, Signer: idTokenSigner{}, Introspector: (*oauth2.Head)(nil)}
}

// validateProxy checks the access rules as serve would load them, for
// `config validate`.
func validateProxy(c *config.Config) error {
	if err := proxy.Validate(context.Background(), c, validationSources()); err != nil {
		return fmt.Errorf("%w", err)
	}
	return nil
}

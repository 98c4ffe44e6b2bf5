package main

import (
	"context"
	"fmt"

	"github.com/cerberus-iam/cerberus/internal/config"
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
// configured. The identity head's sessions are wired (adapt_sessions.go);
// the OAuth2 head's keys and introspection follow once it lands.
func (a *app) proxySources() proxy.Sources {
	var src proxy.Sources
	if a.identity != nil {
		src.Sessions = sessionSource{m: a.identity.sessions}
	}
	return src
}

// validationSources are the in-process sources as `config validate` and
// `rules validate` see them: the same set serve wires (sessions), so a rule
// that needs a missing one is reported before serve would refuse it.
func validationSources() proxy.Sources { return proxy.Sources{Sessions: sessionSource{}} }

// validateProxy checks the access rules as serve would load them, for
// `config validate`.
func validateProxy(c *config.Config) error {
	if err := proxy.Validate(context.Background(), c, validationSources()); err != nil {
		return fmt.Errorf("%w", err)
	}
	return nil
}

package main

import (
	"context"
	"crypto/rand"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/oauth2"
	"github.com/cerberus-iam/cerberus/proxy/authn"
)

// mountOAuth2 builds the OAuth2 / OpenID Connect head: public protocol
// endpoints on the public listener, clients, keys, introspection and the
// login/consent API on admin. Signing keys are created here, at start,
// under a database lock.
func (a *app) mountOAuth2(ctx context.Context) error {
	o := oauth2.Options{Config: a.cfg, Pool: a.pool, Now: a.now, Rand: rand.Reader, Log: a.log, Notifier: a.notify}
	if a.identity != nil {
		// In process: a browser signed in to Cerberus skips the login page
		// and /userinfo and ID tokens carry the identity's traits.
		o.Sessions = browserSessions{m: a.identity.sessions}
		o.Claims = identityClaims{ids: a.identity.identities}
	}
	h, err := oauth2.New(ctx, o)
	if err != nil {
		return err
	}
	a.oauth2 = h
	a.oauth2Login = oauth2Login{h: h}
	if l := a.srv.Listener(config.ListenerPublic); l != nil {
		h.MountPublic(l.Mux)
	}
	if l := a.srv.Listener(config.ListenerAdmin); l != nil {
		h.MountAdmin(l.Mux)
	}
	a.workers = append(a.workers, h.Run)
	a.addHousekeeping(
		pruner{what: "expired oauth2 tokens", retention: tokenRetention, prune: h.PruneTokens},
		pruner{what: "expired login, consent and logout requests", retention: tokenRetention, prune: h.PruneRequests})
	if a.cfg.OAuth2.URLs.IdentityProvider.URL != "" {
		a.log.Info("oauth2.urls.identity_provider is ignored: the identity head runs in this process")
	}
	return nil
}

// Interface guards
var _ authn.Introspector = (*oauth2.Head)(nil)

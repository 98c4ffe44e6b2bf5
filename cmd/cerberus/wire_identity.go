package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/api"
	"github.com/cerberus-iam/cerberus/identity/hash"
	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/config"
)

// identityHead is what the identity head exposes to the heads wired after
// it (self-service, OAuth2, the proxy adapter).
type identityHead struct {
	identities *identity.Service
	sessions   *session.Manager
}

// mountIdentity builds the identity head (schemas, hasher, identities,
// sessions) and mounts its public and admin routes.
func (a *app) mountIdentity(ctx context.Context) error {
	reg, err := loadIdentitySchemas(ctx, a.cfg)
	if err != nil {
		return err
	}
	hasher, err := newHasher(a.cfg.Hashers)
	if err != nil {
		return err
	}
	base := a.cfg.Serve.Public.BaseURL
	ids := identity.New(identity.Config{Pool: a.pool, Schemas: reg, Hasher: hasher, PublicBaseURL: base, Now: a.now})
	sc := a.cfg.Session
	mgr := session.New(session.Config{
		Pool: a.pool, Lifespan: sc.Lifespan.D(), EarliestPossibleExtend: sc.EarliestPossibleExtend.D(),
		RequiredAAL: sc.Whoami.RequiredAAL, PublicBaseURL: base, Now: a.now,
		Cookie: session.CookieConfig{
			Name: sc.Cookie.Name, Domain: sc.Cookie.Domain, Path: sc.Cookie.Path,
			SameSite: sameSite(sc.Cookie.SameSite), Persistent: sc.Cookie.IsPersistent(),
			// Secure whenever the public URL is https, as the CSRF cookie;
			// a deployment served over plain http (a laptop, a test) gets
			// cookies its browser will send back.
			Secure: strings.HasPrefix(base, "https://"),
		},
	})
	a.identity = &identityHead{identities: ids, sessions: mgr}
	a.addHousekeeping(pruner{what: "expired sessions", retention: sessionRetention, prune: mgr.Prune})
	h := &api.Handler{Identities: ids, Sessions: mgr}
	if l := a.srv.Listener(config.ListenerPublic); l != nil {
		h.MountPublic(l.Mux)
	}
	if l := a.srv.Listener(config.ListenerAdmin); l != nil {
		h.MountAdmin(l.Mux)
	}
	return nil
}

func loadIdentitySchemas(ctx context.Context, c *config.Config) (*schema.Registry, error) {
	src := make([]schema.Source, len(c.Identity.Schemas))
	for k, s := range c.Identity.Schemas {
		src[k] = schema.Source{ID: s.ID, URL: s.URL}
	}
	return schema.Load(ctx, src, c.Identity.DefaultSchemaID, nil)
}

func newHasher(c config.Hashers) (*hash.Hasher, error) {
	h, err := hash.New(hash.Config{
		Algorithm: c.Algorithm,
		Argon2: hash.Argon2Params{Memory: c.Argon2.Memory.KiB(), Iterations: c.Argon2.Iterations,
			Parallelism: c.Argon2.Parallelism, SaltLength: c.Argon2.SaltLength, KeyLength: c.Argon2.KeyLength},
		BcryptCost: c.Bcrypt.Cost,
	})
	if err != nil {
		return nil, fmt.Errorf("hashers: %w", err)
	}
	return h, nil
}

func sameSite(s string) http.SameSite {
	switch s {
	case "Strict":
		return http.SameSiteStrictMode
	case "None":
		return http.SameSiteNoneMode
	}
	return http.SameSiteLaxMode
}

// validateIdentity checks what the schema cannot: identity schemas load and
// compile, and the hasher parameters are usable.
func validateIdentity(c *config.Config) error {
	if _, err := loadIdentitySchemas(context.Background(), c); err != nil {
		return err
	}
	_, err := newHasher(c.Hashers)
	return err
}

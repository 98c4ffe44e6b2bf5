package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/csrf"
	"github.com/cerberus-iam/cerberus/selfservice"
	"github.com/cerberus-iam/cerberus/selfservice/code"
	"github.com/cerberus-iam/cerberus/selfservice/hook"
	"github.com/cerberus-iam/cerberus/selfservice/password"
	"github.com/cerberus-iam/cerberus/selfservice/returnto"
	"github.com/cerberus-iam/cerberus/selfservice/store"
	"github.com/cerberus-iam/cerberus/selfservice/throttle"
	"github.com/cerberus-iam/cerberus/ui"
)

// mountSelfService builds the self-service flows and the built-in UI on
// the public listener. It needs the identity head (wired before it); the
// OAuth2 head, when wired before it, supplies a.oauth2Login.
func (a *app) mountSelfService(ctx context.Context) error {
	l := a.srv.Listener(config.ListenerPublic)
	if l == nil {
		return nil
	}
	if a.identity == nil {
		return errors.New("self-service flows need the identity head")
	}
	c := a.cfg
	prot, err := newCSRF(c)
	if err != nil {
		return err
	}
	st := store.New(a.pool)
	codes, err := code.New(a.pool, c.Secrets.SystemSecrets(), nil)
	if err != nil {
		return err
	}
	var th *throttle.Throttle
	if t := c.SelfService.Flows.Login.Throttle; t.IsEnabled() {
		th = throttle.New(a.pool, throttleLimit(t.Identifier), throttleLimit(t.ClientIP), a.now)
	}
	opts := selfservice.Options{
		PublicURL: c.Serve.Public.BaseURL, Config: c.SelfService, BuiltinUI: c.UI.IsEnabled(),
		Flows: st, Errors: st, Identities: a.identity.identities, Sessions: a.identity.sessions,
		CSRF: prot, Passwords: newPasswordPolicy(c.SelfService.Methods.Password.Config),
		WebHooks: hook.NewRunner(&http.Client{Timeout: 10 * time.Second, Transport: a.tracing.Transport(http.DefaultTransport)}),
		OAuth2:   a.oauth2Login, Now: a.now,
		Courier: a.courier, Codes: codes,
	}
	if th != nil {
		opts.Throttle = th
	}
	h, err := selfservice.New(opts)
	if err != nil {
		return err
	}
	h.Mount(l.Mux)
	if al := a.srv.Listener(config.ListenerAdmin); al != nil {
		h.MountAdmin(al.Mux)
	}
	if c.UI.IsEnabled() {
		uo := ui.Options{Backend: h, CSRF: prot, Brand: ui.Brand{
			ProductName: c.UI.ProductName, LogoURL: c.UI.LogoURL, PrimaryColor: c.UI.PrimaryColor}}
		if a.oauth2 != nil {
			uo.Consent = consentPage{h: a.oauth2}
			uo.Logout = logoutPage{h: a.oauth2}
		}
		ui.New(uo).Mount(l.Mux)
	}
	ps := []pruner{{what: "self-service flows and errors", retention: flowRetention, prune: st.Prune}}
	if th != nil {
		// The throttle knows its own windows: the cutoff is not used.
		ps = append(ps, pruner{what: "login throttles", prune: func(ctx context.Context, _ time.Time) (int64, error) { return th.Prune(ctx) }})
	}
	a.addHousekeeping(ps...)
	return nil
}

func newCSRF(c *config.Config) (*csrf.Protector, error) {
	return csrf.New(csrf.Options{Secrets: c.Secrets.CookieSecrets(), BaseURL: c.Serve.Public.BaseURL,
		Domain: c.Cookies.Domain, Path: c.Cookies.Path, SameSite: sameSite(c.Cookies.SameSite)})
}

func newPasswordPolicy(p config.PasswordPolicy) *password.Policy {
	o := password.Options{MinLength: p.MinPasswordLength,
		CheckSimilarity: p.IdentifierSimilarityCheckEnabled == nil || *p.IdentifierSimilarityCheckEnabled}
	// Unlike Kratos, the online range check is off unless asked for: the
	// bundled list is always checked and sends nothing anywhere.
	if p.HaveIBeenPwnedEnabled != nil && *p.HaveIBeenPwnedEnabled {
		host := p.HaveIBeenPwnedHost
		if !strings.Contains(host, "://") {
			host = "https://" + host
		}
		o.RangeAPI = &password.RangeAPI{BaseURL: host, MaxBreaches: p.MaxBreaches,
			IgnoreNetworkErrors: p.IgnoreNetworkErrors == nil || *p.IgnoreNetworkErrors,
			Client:              &http.Client{Timeout: 5 * time.Second}}
	}
	return password.New(o)
}

func throttleLimit(l config.ThrottleLimit) throttle.Limit {
	return throttle.Limit{MaxFailures: l.MaxFailures, Window: l.Window.D(), Lockout: l.Lockout.D()}
}

// validateSelfService checks what the schema cannot: the return URLs are
// absolute URLs, and hooks sit where they can run.
func validateSelfService(c *config.Config) error {
	def := c.SelfService.DefaultBrowserReturnURL
	if def == "" {
		def = strings.TrimSuffix(c.Serve.Public.BaseURL, "/") + "/welcome"
	}
	if _, err := returnto.New(def, append([]string{def}, c.SelfService.AllowedReturnURLs...)...); err != nil {
		return fmt.Errorf("selfservice: %w", err)
	}
	return selfservice.CheckConfig(c.SelfService)
}

// Interface guards
var _ ui.Backend = (*selfservice.Handler)(nil)

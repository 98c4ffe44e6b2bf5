package authn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ory/fosite"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// IntrospectionConfig is oauth2_introspection's config.
type IntrospectionConfig struct {
	// IntrospectionURL is a remote RFC 7662 endpoint; empty: in process.
	IntrospectionURL            string              `json:"introspection_url"`
	ScopeStrategy               string              `json:"scope_strategy"`
	RequiredScope               []string            `json:"required_scope"`
	TargetAudience              []string            `json:"target_audience"`
	TrustedIssuers              []string            `json:"trusted_issuers"`
	Prefix                      string              `json:"prefix"`
	PreserveHost                bool                `json:"preserve_host"`
	IntrospectionRequestHeaders map[string]string   `json:"introspection_request_headers"`
	TokenFrom                   *pipeline.TokenFrom `json:"token_from"`
	PreAuthorization            *struct {
		Enabled      bool     `json:"enabled"`
		ClientID     string   `json:"client_id"`
		ClientSecret string   `json:"client_secret"`
		TokenURL     string   `json:"token_url"`
		Audience     string   `json:"audience"`
		Scope        []string `json:"scope"`
	} `json:"pre_authorization"`
	Retry *pipeline.Retry `json:"retry"`
	Cache struct {
		Enabled bool              `json:"enabled"`
		TTL     pipeline.Duration `json:"ttl"`
		MaxCost int               `json:"max_cost"`
	} `json:"cache"`
}

// introspectionResult is the RFC 7662 response.
type introspectionResult struct {
	Active    bool           `json:"active"`
	Extra     map[string]any `json:"ext"`
	Subject   string         `json:"sub"`
	Username  string         `json:"username"`
	Audience  audience       `json:"aud"`
	TokenType string         `json:"token_type"`
	Issuer    string         `json:"iss"`
	ClientID  string         `json:"client_id"`
	Scope     string         `json:"scope"`
	Expires   int64          `json:"exp"`
	TokenUse  string         `json:"token_use"`
}

// audience is a string or a list of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud must be a string or a list of strings")
	}
	*a = many
	return nil
}

// Introspection authenticates requests by an OAuth2 token, introspected.
type Introspection struct {
	c        IntrospectionConfig
	strategy fosite.ScopeStrategy
	client   *http.Client
	d        *Deps
	cache    *pipeline.Cache[introspectionResult]
	cacheTTL time.Duration
}

// NewIntrospection builds the authenticator.
func NewIntrospection(c IntrospectionConfig, d *Deps) (*Introspection, error) {
	a := &Introspection{c: c, d: d, client: d.Client}
	if c.IntrospectionURL == "" && d.Introspector == nil {
		return nil, errors.New("config.introspection_url: required: this Cerberus has no in-process token introspection, so set introspection_url to an RFC 7662 endpoint")
	}
	var err error
	if a.strategy, err = scopeStrategy(c.ScopeStrategy); err != nil {
		return nil, err
	}
	if c.IntrospectionURL != "" {
		timeout := time.Second
		if c.Retry != nil {
			timeout = c.Retry.GiveUpAfter.Or(timeout)
		}
		a.client = &http.Client{Transport: d.Client.Transport, Timeout: timeout}
		if p := c.PreAuthorization; p != nil && p.Enabled {
			cc := &clientcredentials.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, TokenURL: p.TokenURL, Scopes: p.Scope}
			if p.Audience != "" {
				cc.EndpointParams = url.Values{"audience": {p.Audience}}
			}
			ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: d.Client.Transport, Timeout: 10 * time.Second})
			a.client = &http.Client{Timeout: timeout, Transport: &oauth2.Transport{Source: cc.TokenSource(ctx), Base: d.Client.Transport}}
		}
	}
	if c.Cache.Enabled {
		a.cacheTTL = c.Cache.TTL.Or(0)
		max := c.Cache.MaxCost
		if max <= 0 {
			max = 100000
		}
		a.cache = pipeline.NewCache[introspectionResult](max, d.Now)
	}
	return a, nil
}

// Authenticate implements pipeline.Authenticator.
func (a *Introspection) Authenticate(r *http.Request, s *pipeline.Session) error {
	token := pipeline.BearerToken(r, a.c.TokenFrom)
	if token == "" || !strings.HasPrefix(token, a.c.Prefix) {
		return pipeline.ErrNotResponsible
	}
	// With no scope strategy the endpoint itself checks the scope, so the
	// answer depends on it; the cache key covers it.
	scope := ""
	if a.strategy == nil {
		scope = strings.Join(a.c.RequiredScope, " ")
	}
	key := pipeline.CacheKey(token, scope)
	res, cached := a.cache.Get(key)
	if !cached {
		var err error
		if res, err = a.introspect(r, token, scope); err != nil {
			return err
		}
	}
	if err := a.check(res); err != nil {
		return err
	}
	if !cached && a.cache != nil {
		ttl := a.cacheTTL
		if res.Expires > 0 {
			if left := time.Unix(res.Expires, 0).Sub(a.d.Now()); ttl == 0 || left < ttl {
				ttl = left
			}
		}
		a.cache.Put(key, res, ttl)
	}
	extra := make(map[string]any, len(res.Extra)+4)
	for k, v := range res.Extra {
		extra[k] = v
	}
	extra["username"], extra["client_id"], extra["scope"] = res.Username, res.ClientID, res.Scope
	if len(res.Audience) > 0 {
		extra["aud"] = []string(res.Audience)
	}
	s.Subject, s.Extra = res.Subject, extra
	return nil
}

func (a *Introspection) introspect(r *http.Request, token, scope string) (introspectionResult, error) {
	var res introspectionResult
	var body []byte
	if a.c.IntrospectionURL == "" {
		b, err := a.d.Introspector.Introspect(r.Context(), token, scope)
		if err != nil {
			return res, pipeline.Internal("The token could not be introspected.", err)
		}
		body = b
	} else {
		form := url.Values{"token": {token}}
		if scope != "" {
			form.Set("scope", scope)
		}
		req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, a.c.IntrospectionURL, strings.NewReader(form.Encode()))
		if err != nil {
			return res, pipeline.Internal("The introspection URL is invalid.", err)
		}
		for k, v := range a.c.IntrospectionRequestHeaders {
			req.Header.Set(k, v)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		if a.c.PreserveHost {
			req.Header.Set("X-Forwarded-Host", r.URL.Host)
		}
		resp, err := a.client.Do(req)
		if err != nil {
			return res, pipeline.Internal("The introspection endpoint could not be reached.", err)
		}
		defer resp.Body.Close()
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxSessionBody))
		if err != nil {
			return res, pipeline.Internal("The introspection response could not be read.", err)
		}
		if resp.StatusCode != http.StatusOK {
			return res, pipeline.Internal(fmt.Sprintf("The introspection endpoint answered %d.", resp.StatusCode), nil)
		}
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return res, pipeline.Internal("The introspection response is not valid JSON.", err)
	}
	return res, nil
}

func (a *Introspection) check(res introspectionResult) error {
	if res.TokenUse != "" && res.TokenUse != "access_token" {
		return pipeline.ErrForbidden.WithReason("The token is a %s, not an access token.", res.TokenUse)
	}
	if !res.Active {
		return pipeline.ErrUnauthorized.WithReason("Access token is not active")
	}
	if res.Expires > 0 && !a.d.Now().Before(time.Unix(res.Expires, 0)) {
		return pipeline.ErrUnauthorized.WithReason("Access token expired")
	}
	for _, want := range a.c.TargetAudience {
		if !slices.Contains(res.Audience, want) {
			return pipeline.ErrForbidden.WithReason("Token audience is not intended for target audience %s", want)
		}
	}
	if len(a.c.TrustedIssuers) > 0 && !slices.Contains(a.c.TrustedIssuers, res.Issuer) {
		return pipeline.ErrForbidden.WithReason("Token issuer does not match any trusted issuer")
	}
	if a.strategy != nil {
		granted := strings.Fields(res.Scope)
		for _, want := range a.c.RequiredScope {
			if !a.strategy(granted, want) {
				return pipeline.ErrForbidden.WithReason("Scope %s was not granted", want)
			}
		}
	}
	return nil
}

// Interface guards
var _ pipeline.Authenticator = (*Introspection)(nil)

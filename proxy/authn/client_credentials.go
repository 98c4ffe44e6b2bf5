package authn

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// ClientCredentialsConfig is oauth2_client_credentials's config.
type ClientCredentialsConfig struct {
	TokenURL      string          `json:"token_url"`
	RequiredScope []string        `json:"required_scope"`
	Retry         *pipeline.Retry `json:"retry"`
	Cache         struct {
		Enabled   bool              `json:"enabled"`
		TTL       pipeline.Duration `json:"ttl"`
		MaxTokens int               `json:"max_tokens"`
	} `json:"cache"`
}

// ClientCredentials authenticates OAuth2 clients by their HTTP Basic
// credentials, exchanged for a token at token_url (RFC 6749 §4.4); the
// subject is the client id.
type ClientCredentials struct {
	c      ClientCredentialsConfig
	client *http.Client
	cache  *pipeline.Cache[struct{}]
	ttl    time.Duration
	now    func() time.Time
}

// NewClientCredentials builds the authenticator.
func NewClientCredentials(c ClientCredentialsConfig, d *Deps) (*ClientCredentials, error) {
	if c.TokenURL == "" {
		return nil, errors.New("config.token_url: required: the token endpoint client credentials are exchanged at")
	}
	timeout := 2 * time.Second
	if c.Retry != nil {
		timeout = c.Retry.GiveUpAfter.Or(timeout)
	}
	a := &ClientCredentials{c: c, now: d.Now, client: &http.Client{Transport: d.Client.Transport, Timeout: timeout}}
	if c.Cache.Enabled {
		max := c.Cache.MaxTokens
		if max <= 0 {
			max = 1000
		}
		a.cache = pipeline.NewCache[struct{}](max, d.Now)
		a.ttl = c.Cache.TTL.Or(0)
	}
	return a, nil
}

// Authenticate implements pipeline.Authenticator.
func (a *ClientCredentials) Authenticate(r *http.Request, s *pipeline.Session) error {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return pipeline.ErrNotResponsible
	}
	// RFC 6749 §2.3.1: the client id and secret are form-encoded before
	// they are put in the Basic header.
	id, err1 := url.QueryUnescape(user)
	secret, err2 := url.QueryUnescape(pass)
	if err1 != nil || err2 != nil {
		return pipeline.ErrUnauthorized.WithReason("The Basic credentials are not form-encoded correctly.")
	}
	key := pipeline.CacheKey(a.c.TokenURL, strings.Join(a.c.RequiredScope, " "), id, secret)
	if _, hit := a.cache.Get(key); hit {
		s.Subject = id
		return nil
	}
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: a.c.TokenURL, Scopes: a.c.RequiredScope, AuthStyle: oauth2.AuthStyleInHeader}
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, a.client)
	tok, err := cc.Token(ctx)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			switch re.Response.StatusCode {
			case http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusBadGateway:
				return pipeline.ErrUpstreamUnavailable.WithReason("The token endpoint answered %d.", re.Response.StatusCode)
			case http.StatusGatewayTimeout:
				return pipeline.ErrUpstreamTimeout
			}
			return pipeline.ErrUnauthorized.WithReason("The token endpoint refused the client credentials.")
		}
		return pipeline.ErrUpstreamUnavailable.WithReason("The token endpoint could not be reached.").WithCause(err)
	}
	if tok.AccessToken == "" {
		return pipeline.ErrUnauthorized.WithReason("The token endpoint issued no access token.")
	}
	if a.cache != nil {
		ttl := a.ttl
		if !tok.Expiry.IsZero() {
			if left := tok.Expiry.Sub(a.now()); ttl == 0 || left < ttl {
				ttl = left
			}
		}
		a.cache.Put(key, struct{}{}, ttl)
	}
	s.Subject = id
	return nil
}

// Interface guards
var _ pipeline.Authenticator = (*ClientCredentials)(nil)

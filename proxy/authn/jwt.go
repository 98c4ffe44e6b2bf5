package authn

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/ory/fosite"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// JWTConfig is jwt's config.
type JWTConfig struct {
	// JWKSURLs are key sets to verify with; empty means Cerberus's keys.
	JWKSURLs          []string            `json:"jwks_urls"`
	RequiredScope     []string            `json:"required_scope"`
	TargetAudience    []string            `json:"target_audience"`
	TrustedIssuers    []string            `json:"trusted_issuers"`
	AllowedAlgorithms []string            `json:"allowed_algorithms"`
	ScopeStrategy     string              `json:"scope_strategy"`
	TokenFrom         *pipeline.TokenFrom `json:"token_from"`
	JWKSMaxWait       pipeline.Duration   `json:"jwks_max_wait"`
	JWKSTTL           pipeline.Duration   `json:"jwks_ttl"`
}

// JWT authenticates requests by a signed JSON Web Token.
type JWT struct {
	c        JWTConfig
	algs     []jose.SignatureAlgorithm
	strategy fosite.ScopeStrategy
	maxWait  time.Duration
	ttl      time.Duration
	d        *Deps
}

// asymmetric are the algorithms tokens may be signed with. HMAC is never
// accepted: with a public key set, an HS256 token "signed" with a public key
// would otherwise verify (algorithm confusion).
var asymmetric = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// NewJWT builds the authenticator.
func NewJWT(c JWTConfig, d *Deps) (*JWT, error) {
	a := &JWT{c: c, d: d, maxWait: c.JWKSMaxWait.Or(time.Second), ttl: c.JWKSTTL.Or(30 * time.Second)}
	if len(c.JWKSURLs) == 0 && d.Local == nil {
		return nil, errors.New("config.jwks_urls: required: this Cerberus has no in-process signing keys, so list the JSON Web Key Set URLs to verify tokens with")
	}
	switch {
	case len(c.AllowedAlgorithms) > 0:
		for _, alg := range c.AllowedAlgorithms {
			a.algs = append(a.algs, jose.SignatureAlgorithm(alg))
		}
	case len(c.JWKSURLs) > 0:
		// Oathkeeper's default.
		a.algs = []jose.SignatureAlgorithm{jose.RS256}
	default:
		// Cerberus's own keys: whatever they are; each key's own alg is
		// enforced below.
		a.algs = asymmetric
	}
	var err error
	if a.strategy, err = scopeStrategy(c.ScopeStrategy); err != nil {
		return nil, err
	}
	if a.strategy == nil && len(c.RequiredScope) > 0 {
		return nil, errors.New("config.required_scope: is set but scope_strategy is none, so no scope could ever be checked; set scope_strategy to hierarchic, exact or wildcard")
	}
	return a, nil
}

// Authenticate implements pipeline.Authenticator.
func (a *JWT) Authenticate(r *http.Request, s *pipeline.Session) error {
	token := pipeline.BearerToken(r, a.c.TokenFrom)
	// Not a JWT: leave it to another authenticator (an opaque token for
	// oauth2_introspection, a session token for bearer_token).
	if token == "" || strings.Count(token, ".") != 2 {
		return pipeline.ErrNotResponsible
	}
	claims, err := a.verify(r, token)
	if err != nil {
		return pipeline.ErrUnauthorized.WithReason("%s", err.Error()).WithCause(err)
	}
	if err := a.check(claims); err != nil {
		return pipeline.ErrUnauthorized.WithReason("%s", err.Error())
	}
	sub, _ := claims["sub"].(string)
	s.Subject = sub
	s.Extra = claims
	return nil
}

func (a *JWT) verify(r *http.Request, token string) (map[string]any, error) {
	jws, err := jose.ParseSigned(token, a.algs)
	if err != nil {
		return nil, fmt.Errorf("the token is not a valid JSON Web Token: %v", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("the token must carry exactly one signature")
	}
	h := jws.Signatures[0].Header
	if h.KeyID == "" {
		return nil, errors.New("the token's header has no kid")
	}
	var key *jose.JSONWebKey
	if len(a.c.JWKSURLs) > 0 {
		key, err = a.d.JWKS.Key(r.Context(), a.c.JWKSURLs, h.KeyID, a.ttl, a.maxWait)
		if err != nil {
			return nil, err
		}
	} else {
		set, err := a.d.Local.Set(r.Context())
		if err != nil {
			return nil, err
		}
		if key = findKey(set.Keys, h.KeyID); key == nil {
			return nil, fmt.Errorf("no signing key with id %q", h.KeyID)
		}
	}
	// A key bound to an algorithm verifies only that algorithm.
	if key.Algorithm != "" && key.Algorithm != h.Algorithm {
		return nil, fmt.Errorf("the token is signed with %s but key %q is for %s", h.Algorithm, h.KeyID, key.Algorithm)
	}
	if !key.Valid() || isSymmetric(key) {
		return nil, fmt.Errorf("key %q cannot verify signatures", h.KeyID)
	}
	payload, err := jws.Verify(key.Public().Key)
	if err != nil {
		return nil, errors.New("the token's signature is invalid")
	}
	d := json.NewDecoder(strings.NewReader(string(payload)))
	d.UseNumber()
	var claims map[string]any
	if err := d.Decode(&claims); err != nil || claims == nil {
		return nil, errors.New("the token's claims are not a JSON object")
	}
	return claims, nil
}

func findKey(keys []jose.JSONWebKey, kid string) *jose.JSONWebKey {
	for i := range keys {
		if keys[i].KeyID == kid && (keys[i].Use == "" || keys[i].Use == "sig") {
			return &keys[i]
		}
	}
	return nil
}

func isSymmetric(k *jose.JSONWebKey) bool { _, ok := k.Key.([]byte); return ok }

// check validates lifetimes, issuer, audience and scope, and normalises the
// scope claim into "scp" as Oathkeeper does.
func (a *JWT) check(claims map[string]any) error {
	now := a.d.Now()
	// RFC 7519 §4.1.4: the token must not be accepted on or after exp.
	if exp, ok, err := numericDate(claims, "exp"); err != nil {
		return err
	} else if ok && !now.Before(exp) {
		return errors.New("the token has expired")
	}
	// RFC 7519 §4.1.5: nor before nbf.
	if nbf, ok, err := numericDate(claims, "nbf"); err != nil {
		return err
	} else if ok && now.Before(nbf) {
		return errors.New("the token is not valid yet")
	}
	if iat, ok, err := numericDate(claims, "iat"); err != nil {
		return err
	} else if ok && now.Before(iat) {
		return errors.New("the token was issued in the future")
	}
	if len(a.c.TrustedIssuers) > 0 {
		iss, _ := claims["iss"].(string)
		if !slices.Contains(a.c.TrustedIssuers, iss) {
			return fmt.Errorf("the token's issuer %q is not trusted", iss)
		}
	}
	aud := stringList(claims["aud"])
	for _, want := range a.c.TargetAudience {
		if !slices.Contains(aud, want) {
			return fmt.Errorf("the token is not intended for audience %q", want)
		}
	}
	scope := tokenScope(claims)
	for _, want := range a.c.RequiredScope {
		if !a.strategy(scope, want) {
			return fmt.Errorf("the token is missing the required scope %q", want)
		}
	}
	return nil
}

func numericDate(claims map[string]any, name string) (time.Time, bool, error) {
	v, ok := claims[name]
	if !ok || v == nil {
		return time.Time{}, false, nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return time.Time{}, false, fmt.Errorf("the token's %s is not a number", name)
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false, fmt.Errorf("the token's %s is not a number", name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

// tokenScope reads scp, scope or scopes (a list or a space-separated
// string), stores the list as "scp" and removes the other spelling.
func tokenScope(claims map[string]any) []string {
	for _, k := range []string{"scp", "scope", "scopes"} {
		v, ok := claims[k]
		if !ok {
			continue
		}
		var list []string
		if s, isStr := v.(string); isStr {
			list = strings.Fields(s)
		} else {
			list = stringList(v)
		}
		delete(claims, k)
		claims["scp"] = list
		return list
	}
	claims["scp"] = []string{}
	return nil
}

func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Interface guards
var _ pipeline.Authenticator = (*JWT)(nil)

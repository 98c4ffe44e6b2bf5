package authn

import (
	"bytes"
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
	// verified remembers tokens whose signature checked out, with the key
	// that verified them: a repeat costs a hash and a key lookup instead of
	// an RSA or ECDSA verification. A hit counts only while the same key is
	// still published, so a key removed from its set stops verifying on the
	// next request exactly as without the cache; lifetimes, issuer, audience
	// and scope are checked on every request.
	verified *pipeline.Cache[verifiedToken]
}

type verifiedToken struct {
	claims map[string]any // normalised (scp), never written after caching
	key    *jose.JSONWebKey
	kid    string
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
	a := &JWT{c: c, d: d, maxWait: c.JWKSMaxWait.Or(time.Second), ttl: c.JWKSTTL.Or(30 * time.Second),
		verified: pipeline.NewCache[verifiedToken](10000, d.Now)}
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
	claims, err := a.claims(r, token)
	if err != nil {
		return pipeline.ErrUnauthorized.WithReason("%s", err.Error()).WithCause(err)
	}
	if err := a.check(claims); err != nil {
		return pipeline.ErrUnauthorized.WithReason("%s", err.Error())
	}
	sub, _ := claims["sub"].(string)
	s.Subject = sub
	// Shared with the cache: handlers read Extra, never write it.
	s.Extra = claims
	return nil
}

// claims returns the token's normalised claims, from the cache when the
// key that verified it is still the one published under its kid.
func (a *JWT) claims(r *http.Request, token string) (map[string]any, error) {
	ck := pipeline.CacheKey(token)
	if v, ok := a.verified.Get(ck); ok {
		if k, err := a.key(r, v.kid); err == nil && k == v.key {
			return v.claims, nil
		}
	}
	claims, key, kid, err := a.verify(r, token)
	if err != nil {
		return nil, err
	}
	tokenScope(claims)
	ttl := 10 * time.Minute
	if exp, ok, _ := numericDate(claims, "exp"); ok {
		ttl = min(ttl, exp.Sub(a.d.Now()))
	}
	if ttl > 0 {
		a.verified.Put(ck, verifiedToken{claims: claims, key: key, kid: kid}, ttl)
	}
	return claims, nil
}

// key finds the verification key for kid in the configured sets.
func (a *JWT) key(r *http.Request, kid string) (*jose.JSONWebKey, error) {
	if len(a.c.JWKSURLs) > 0 {
		return a.d.JWKS.Key(r.Context(), a.c.JWKSURLs, kid, a.ttl, a.maxWait)
	}
	set, err := a.d.Local.Set(r.Context())
	if err != nil {
		return nil, err
	}
	k := findKey(set.Keys, kid)
	if k == nil {
		return nil, fmt.Errorf("no signing key with id %q", kid)
	}
	return k, nil
}

func (a *JWT) verify(r *http.Request, token string) (map[string]any, *jose.JSONWebKey, string, error) {
	jws, err := jose.ParseSigned(token, a.algs)
	if err != nil {
		return nil, nil, "", fmt.Errorf("the token is not a valid JSON Web Token: %v", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, nil, "", errors.New("the token must carry exactly one signature")
	}
	h := jws.Signatures[0].Header
	if h.KeyID == "" {
		return nil, nil, "", errors.New("the token's header has no kid")
	}
	key, err := a.key(r, h.KeyID)
	if err != nil {
		return nil, nil, "", err
	}
	// A key bound to an algorithm verifies only that algorithm.
	if key.Algorithm != "" && key.Algorithm != h.Algorithm {
		return nil, nil, "", fmt.Errorf("the token is signed with %s but key %q is for %s", h.Algorithm, h.KeyID, key.Algorithm)
	}
	if !key.Valid() || isSymmetric(key) {
		return nil, nil, "", fmt.Errorf("key %q cannot verify signatures", h.KeyID)
	}
	payload, err := jws.Verify(key.Public().Key)
	if err != nil {
		return nil, nil, "", errors.New("the token's signature is invalid")
	}
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	var claims map[string]any
	if err := d.Decode(&claims); err != nil || claims == nil {
		return nil, nil, "", errors.New("the token's claims are not a JSON object")
	}
	return claims, key, h.KeyID, nil
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

// check validates lifetimes, issuer, audience and scope; it only reads
// claims (they may be shared through the cache).
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
	scope, _ := claims["scp"].([]string)
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
// string), stores the list as "scp" and removes the other spelling, as
// Oathkeeper does.
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
	case []string:
		return x
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

package mutate

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cerberus-iam/cerberus/proxy/jwks"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// Signer signs JWTs with Cerberus's current signing key. The OAuth2 head
// satisfies it through an adapter in cmd/cerberus.
type Signer interface {
	// SignJWT signs claims (already complete: iss, sub, exp, ...) and
	// returns the compact serialization, with the key's kid in the header.
	SignJWT(ctx context.Context, claims map[string]any) (string, error)
}

// IDTokenConfig is id_token's config.
type IDTokenConfig struct {
	IssuerURL string            `json:"issuer_url"`
	JWKSURL   string            `json:"jwks_url"`
	TTL       pipeline.Duration `json:"ttl"`
	Claims    string            `json:"claims"`
}

// IDTokenDeps are what id_token needs.
type IDTokenDeps struct {
	Signer Signer // nil: no in-process keys
	JWKS   *jwks.Cache
	Now    func() time.Time
	Rand   io.Reader
}

// IDToken puts a short-lived JWT about the subject in the upstream
// request's Authorization header, so upstreams verify one token format
// whatever the client presented.
type IDToken struct {
	c      IDTokenConfig
	ttl    time.Duration
	claims *pipeline.Template
	d      IDTokenDeps
	cache  *pipeline.Cache[cachedToken]
}

type cachedToken struct {
	token string
	exp   time.Time
}

// NewIDToken builds the mutator.
func NewIDToken(c IDTokenConfig, d IDTokenDeps) (*IDToken, error) {
	if c.IssuerURL == "" {
		return nil, errors.New("config.issuer_url: required: the iss claim of the tokens")
	}
	if c.JWKSURL == "" && d.Signer == nil {
		return nil, errors.New("config.jwks_url: required: this Cerberus has no in-process signing keys, so point jwks_url at a private JSON Web Key Set")
	}
	m := &IDToken{c: c, ttl: c.TTL.Or(15 * time.Minute), d: d, cache: pipeline.NewCache[cachedToken](10000, d.Now)}
	if c.Claims != "" {
		t, err := pipeline.ParseTemplate("claims", c.Claims)
		if err != nil {
			return nil, fmt.Errorf("config.claims: %v", err)
		}
		m.claims = t
	}
	return m, nil
}

// UsesMatchContext implements pipeline.MatchContextUser.
func (m *IDToken) UsesMatchContext() bool { return m.claims != nil && m.claims.UsesMatchContext() }

// JWKSURL is the private key set the mutator signs with ("" in process).
func (m *IDToken) JWKSURL() string { return m.c.JWKSURL }

// Mutate implements pipeline.Mutator.
func (m *IDToken) Mutate(r *http.Request, s *pipeline.Session) error {
	claims := map[string]any{}
	var raw string
	if m.claims != nil {
		var err error
		if raw, err = m.claims.Render(s); err != nil {
			return pipeline.Internal("The id_token claims template failed.", err)
		}
		if err := json.Unmarshal([]byte(raw), &claims); err != nil || claims == nil {
			return pipeline.Internal("The id_token claims template did not produce a JSON object.", err)
		}
	}
	now := m.d.Now()
	h := sha256.Sum256([]byte(m.c.IssuerURL + "\x00" + m.c.JWKSURL + "\x00" + s.Subject + "\x00" + raw))
	key := string(h[:])
	// Reuse a token while more than a tenth of its lifetime is left.
	if ct, ok := m.cache.Get(key); ok {
		if ct.exp.Sub(now) > m.ttl/10 {
			s.SetHeader("Authorization", "Bearer "+ct.token)
			return nil
		}
	}
	exp := now.Add(m.ttl)
	jti := make([]byte, 16)
	if _, err := io.ReadFull(m.d.Rand, jti); err != nil {
		return pipeline.Internal("No randomness for the token id.", err)
	}
	// The registered claims are always Cerberus's; the template cannot
	// override them.
	claims["iss"], claims["sub"] = m.c.IssuerURL, s.Subject
	claims["iat"], claims["nbf"], claims["exp"] = now.Unix(), now.Unix(), exp.Unix()
	claims["jti"] = hex.EncodeToString(jti)
	token, err := m.sign(r.Context(), claims)
	if err != nil {
		return pipeline.Internal("The id_token could not be signed.", err)
	}
	m.cache.Put(key, cachedToken{token: token, exp: exp}, m.ttl)
	s.SetHeader("Authorization", "Bearer "+token)
	return nil
}

func (m *IDToken) sign(ctx context.Context, claims map[string]any) (string, error) {
	if m.c.JWKSURL == "" {
		return m.d.Signer.SignJWT(ctx, claims)
	}
	sets, err := m.d.JWKS.Sets(ctx, []string{m.c.JWKSURL}, 5*time.Minute, 5*time.Second)
	if err != nil {
		return "", err
	}
	k, err := PrivateKey(sets[0])
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.Algorithm), Key: k},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// PrivateKey picks the first asymmetric private key of set, with its
// algorithm filled in when the key does not declare one. Symmetric keys are
// refused: upstreams could only verify such tokens by knowing the secret.
func PrivateKey(set *jose.JSONWebKeySet) (*jose.JSONWebKey, error) {
	for i := range set.Keys {
		k := set.Keys[i]
		if k.IsPublic() || k.Use == "enc" {
			continue
		}
		if k.KeyID == "" {
			return nil, errors.New("the signing key has no kid")
		}
		if k.Algorithm == "" {
			switch pk := k.Key.(type) {
			case *rsa.PrivateKey:
				k.Algorithm = string(jose.RS256)
			case *ecdsa.PrivateKey:
				switch pk.Curve {
				case elliptic.P256():
					k.Algorithm = string(jose.ES256)
				case elliptic.P384():
					k.Algorithm = string(jose.ES384)
				case elliptic.P521():
					k.Algorithm = string(jose.ES512)
				}
			case ed25519.PrivateKey:
				k.Algorithm = string(jose.EdDSA)
			}
		}
		switch k.Key.(type) {
		case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
			if k.Algorithm == "" {
				return nil, fmt.Errorf("key %q: cannot tell which algorithm to sign with; set its alg", k.KeyID)
			}
			return &k, nil
		}
		return nil, fmt.Errorf("key %q is symmetric; id_token signs with RSA, EC or Ed25519 keys only", k.KeyID)
	}
	return nil, errors.New("the key set holds no private signing key")
}

// Interface guards
var _ pipeline.Mutator = (*IDToken)(nil)

package jwk

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"strings"

	"github.com/go-jose/go-jose/v3"
	"github.com/ory/fosite/token/jwt"
)

type algKey struct{ set string }

// WithAlgorithm returns ctx asking set's signer to use alg (a client's
// id_token_signed_response_alg or access_token_signed_response_alg).
func WithAlgorithm(ctx context.Context, set, alg string) context.Context {
	if alg == "" {
		return ctx
	}
	return context.WithValue(ctx, algKey{set}, alg)
}

// Signer signs and verifies the JWTs of one key set for fosite. It signs
// with the set's current key for the requested algorithm and verifies with
// any published key of the set, found by kid, so tokens signed before a
// rotation keep verifying until they expire.
type Signer struct {
	M   *Manager
	Set string
}

// Interface guards
var _ jwt.Signer = (*Signer)(nil)

// ErrNoKey is returned when no key can sign or verify.
var ErrNoKey = errors.New("no signing key")

func (s *Signer) alg(ctx context.Context) string {
	if a, ok := ctx.Value(algKey{s.Set}).(string); ok {
		return a
	}
	return s.M.DefaultAlgorithm()
}

// SigningKey returns the key Generate would use in ctx.
func (s *Signer) SigningKey(ctx context.Context) (*Key, error) {
	r := s.M.Ring()
	k := r.Signing(s.Set, s.alg(ctx))
	if k == nil {
		k = r.Signing(s.Set, s.M.DefaultAlgorithm())
	}
	if k == nil {
		return nil, fmt.Errorf("%w in set %s", ErrNoKey, s.Set)
	}
	return k, nil
}

// Generate signs claims; header fields other than alg and kid are kept.
func (s *Signer) Generate(ctx context.Context, claims jwt.MapClaims, header jwt.Mapper) (string, string, error) {
	k, err := s.SigningKey(ctx)
	if err != nil {
		return "", "", err
	}
	if claims == nil || header == nil {
		return "", "", errors.New("claims and header are required")
	}
	t := jwt.NewWithClaims(jose.SignatureAlgorithm(k.Alg), claims)
	for name, v := range header.ToMap() {
		if name != "alg" && name != "kid" {
			t.Header[name] = v
		}
	}
	raw, err := t.SignedString(&jose.JSONWebKey{Key: k.Private, KeyID: k.KID, Algorithm: k.Alg})
	if err != nil {
		return "", "", err
	}
	return raw, signaturePart(raw), nil
}

// Validate verifies token and returns its signature part.
func (s *Signer) Validate(ctx context.Context, token string) (string, error) {
	if _, err := s.Decode(ctx, token); err != nil {
		return "", err
	}
	return signaturePart(token), nil
}

// Decode parses and verifies token against the set's published keys and
// checks its time claims.
func (s *Signer) Decode(ctx context.Context, token string) (*jwt.Token, error) {
	return jwt.ParseWithClaims(token, jwt.MapClaims{}, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k := s.M.Ring().Lookup(s.Set, kid)
		if k == nil && s.M.reloadOnMiss(ctx) {
			k = s.M.Ring().Lookup(s.Set, kid)
		}
		if k == nil {
			return nil, fmt.Errorf("%w: unknown kid %q", ErrNoKey, kid)
		}
		// The header's alg must be the key's: no algorithm confusion.
		if string(t.Method) != k.Alg {
			return nil, fmt.Errorf("token alg %s does not match key alg %s", t.Method, k.Alg)
		}
		return &jose.JSONWebKey{Key: k.Public.Key, KeyID: k.KID, Algorithm: k.Alg}, nil
	})
}

// GetSignature returns the signature part of token.
func (s *Signer) GetSignature(_ context.Context, token string) (string, error) {
	sig := signaturePart(token)
	if sig == "" {
		return "", errors.New("header, body and signature must all be set")
	}
	return sig, nil
}

// Hash hashes in with the hash of the signing algorithm.
func (s *Signer) Hash(ctx context.Context, in []byte) ([]byte, error) {
	h := s.hasher(ctx)
	h.Write(in)
	return h.Sum(nil), nil
}

// GetSigningMethodLength returns the hash size of the signing algorithm.
func (s *Signer) GetSigningMethodLength(ctx context.Context) int { return s.hasher(ctx).Size() }

func (s *Signer) hasher(ctx context.Context) hash.Hash {
	if s.alg(ctx) == "EdDSA" {
		return sha512.New()
	}
	return sha256.New()
}

func signaturePart(token string) string {
	if strings.Count(token, ".") != 2 {
		return ""
	}
	return token[strings.LastIndexByte(token, '.')+1:]
}

func precompute(k any) {
	if r, ok := k.(*rsa.PrivateKey); ok {
		r.Precompute()
	}
}

package jwks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"

	jose "github.com/go-jose/go-jose/v4"
)

// KeySource gives the public keys Cerberus signs tokens with. The OAuth2
// head satisfies it through an adapter in cmd/cerberus.
type KeySource interface {
	// PublicJWKS returns the public JSON Web Key Set as JSON, as
	// /.well-known/jwks.json serves it. It is called for every token
	// verified, so it must be cheap (precomputed bytes); the parsed set is
	// reused while the bytes stay the same, and a key removed from the set
	// stops verifying on the next request.
	PublicJWKS(ctx context.Context) ([]byte, error)
}

// Local caches the parsed form of a KeySource's set.
type Local struct {
	src KeySource
	cur atomic.Pointer[parsed]
}

type parsed struct {
	raw []byte
	set *jose.JSONWebKeySet
}

// NewLocal wraps src; nil src gives a nil Local.
func NewLocal(src KeySource) *Local {
	if src == nil {
		return nil
	}
	return &Local{src: src}
}

// Set returns the current key set.
func (l *Local) Set(ctx context.Context) (*jose.JSONWebKeySet, error) {
	raw, err := l.src.PublicJWKS(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading Cerberus's public keys: %w", err)
	}
	if p := l.cur.Load(); p != nil && bytes.Equal(p.raw, raw) {
		return p.set, nil
	}
	set, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("Cerberus's public keys: %w", err)
	}
	l.cur.Store(&parsed{raw: bytes.Clone(raw), set: set})
	return set, nil
}

// Parse decodes a JSON Web Key Set.
func Parse(raw []byte) (*jose.JSONWebKeySet, error) {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, fmt.Errorf("not a JSON Web Key Set: %v", err)
	}
	return &set, nil
}

// Find returns the verification key with kid from set, or nil. Keys meant
// for encryption (use "enc") are skipped.
func Find(set *jose.JSONWebKeySet, kid string) *jose.JSONWebKey {
	if set == nil {
		return nil
	}
	for i := range set.Keys {
		k := &set.Keys[i]
		if k.KeyID == kid && (k.Use == "" || k.Use == "sig") {
			return k
		}
	}
	return nil
}

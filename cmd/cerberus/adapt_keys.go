package main

import (
	"context"
	"errors"

	"github.com/ory/fosite/token/jwt"

	"github.com/cerberus-iam/cerberus/oauth2/jwk"
	"github.com/cerberus-iam/cerberus/proxy/jwks"
	"github.com/cerberus-iam/cerberus/proxy/mutate"
)

// keySource adapts the OAuth2 head's key manager to the proxy's
// jwks.KeySource: the jwt authenticator verifies Cerberus's own tokens
// with the same public set /.well-known/jwks.json serves (precomputed
// bytes, so calling it per token costs nothing).
type keySource struct{ m *jwk.Manager }

// PublicJWKS implements jwks.KeySource.
func (k keySource) PublicJWKS(context.Context) ([]byte, error) {
	if k.m == nil {
		return nil, errors.New("the OAuth2 head is not running")
	}
	b, _ := k.m.Ring().JWKS()
	return b, nil
}

// idTokenSigner adapts the OAuth2 head's ID token key set to the proxy's
// mutate.Signer: the id_token mutator signs with the key Cerberus signs
// ID tokens with, so upstreams verify both with one JWKS.
type idTokenSigner struct{ m *jwk.Manager }

// SignJWT implements mutate.Signer.
func (s idTokenSigner) SignJWT(ctx context.Context, claims map[string]any) (string, error) {
	if s.m == nil {
		return "", errors.New("the OAuth2 head is not running")
	}
	signer := &jwk.Signer{M: s.m, Set: jwk.IDTokenSet}
	token, _, err := signer.Generate(ctx, jwt.MapClaims(claims), &jwt.Headers{Extra: map[string]any{"typ": "JWT"}})
	return token, err
}

// Interface guards
var (
	_ jwks.KeySource = keySource{}
	_ mutate.Signer  = idTokenSigner{}
)

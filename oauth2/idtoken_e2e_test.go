package oauth2_test

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// TestTokenHashesFollowTheSigningAlgorithm pins at_hash and c_hash to the
// ID token's algorithm (OpenID Connect Core §3.3.2.11): fosite hashes with
// SHA-256 whatever the algorithm, which go-oidc rejects for EdDSA, where
// the hash is Ed25519's SHA-512. Every flow that puts a hash in an ID
// token is driven: implicit, hybrid (both hashes), the token endpoint
// after a hybrid code (its stored c_hash), and refresh. An RS256 client
// keeps SHA-256.
func TestTokenHashesFollowTheSigningAlgorithm(t *testing.T) {
	in, _ := startWithApp(t, "")
	ctx := context.Background()
	for _, c := range []struct {
		alg  string
		hash func() hash.Hash
	}{{"EdDSA", sha512.New}, {"RS256", sha256.New}} {
		t.Run(c.alg, func(t *testing.T) {
			cl := listing(t, cli(t, in, "clients", "create", "--name", "spa-"+c.alg,
				"--grant-type", "implicit,authorization_code,refresh_token",
				"--response-type", "id_token token,code id_token,code id_token token,code",
				"--redirect-uri", seedRedirect, "--scope", "openid,offline_access", "--skip-consent",
				"--token-endpoint-auth-method", "client_secret_post", "--id-token-signed-response-alg", c.alg))
			r := newRP(t, in, cl, oidc.ScopeOpenID, oidc.ScopeOfflineAccess)
			r.verifier = r.provider.Verifier(&oidc.Config{ClientID: cl["CLIENT ID"], SupportedSigningAlgs: []string{c.alg}})
			verify := func(what, raw string) *oidc.IDToken {
				t.Helper()
				idt, err := r.verifier.Verify(ctx, raw)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				return idt
			}
			checkCode := func(what string, idt *oidc.IDToken, code string) {
				t.Helper()
				var claims struct {
					CHash string `json:"c_hash"`
				}
				_ = idt.Claims(&claims)
				h := c.hash()
				h.Write([]byte(code))
				sum := h.Sum(nil)
				if want := base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]); claims.CHash != want {
					t.Fatalf("%s: c_hash %q, want %q", what, claims.CHash, want)
				}
			}

			// Implicit: at_hash over the access token in the fragment.
			back := newBrowser(t, seedRedirect).authorize(r.cfg.AuthCodeURL("state-123456",
				oauth2.SetAuthURLParam("response_type", "id_token token"), oidc.Nonce("nonce-implicit")))
			if err := verify("implicit", back.Get("id_token")).VerifyAccessToken(back.Get("access_token")); err != nil {
				t.Fatalf("implicit at_hash: %v", err)
			}

			// Hybrid: at_hash and c_hash in the front channel, then the
			// token endpoint's ID token for that code.
			pkce := oauth2.GenerateVerifier()
			back = newBrowser(t, seedRedirect).authorize(r.cfg.AuthCodeURL("state-123456",
				oauth2.SetAuthURLParam("response_type", "code id_token token"), oidc.Nonce("nonce-hybrid1"),
				oauth2.S256ChallengeOption(pkce)))
			idt := verify("hybrid", back.Get("id_token"))
			if err := idt.VerifyAccessToken(back.Get("access_token")); err != nil {
				t.Fatalf("hybrid at_hash: %v", err)
			}
			checkCode("hybrid", idt, back.Get("code"))
			tok, err := r.cfg.Exchange(ctx, back.Get("code"), oauth2.VerifierOption(pkce))
			if err != nil {
				t.Fatal(err)
			}
			idt = verify("token endpoint", tok.Extra("id_token").(string))
			if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
				t.Fatalf("token endpoint at_hash: %v", err)
			}
			checkCode("token endpoint", idt, back.Get("code"))

			// Refresh: a new access token, a new at_hash.
			tok.Expiry = time.Now().Add(-time.Minute)
			fresh, err := r.cfg.TokenSource(ctx, tok).Token()
			if err != nil {
				t.Fatal(err)
			}
			if fresh.AccessToken == tok.AccessToken {
				t.Fatal("the refresh did not issue a new access token")
			}
			if err := verify("refresh", fresh.Extra("id_token").(string)).VerifyAccessToken(fresh.AccessToken); err != nil {
				t.Fatalf("refresh at_hash: %v", err)
			}
		})
	}
}

package oauth2

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"strings"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"

	"github.com/cerberus-iam/cerberus/oauth2/jwk"
)

// idTokenStrategy signs ID tokens with fosite's openid.DefaultStrategy,
// after making at_hash and c_hash follow the signing algorithm.
//
// OpenID Connect Core §3.3.2.11 (and §3.2.2.10 for at_hash): "Its value is
// the base64url encoding of the left-most half of the hash of the octets
// of the ASCII representation of the code value, where the hash algorithm
// used is the hash algorithm used in the alg Header Parameter of the ID
// Token's JOSE Header." fosite picks the hash from a numeric suffix of the
// session's alg header, so for EdDSA (no suffix, and our sessions carry no
// alg header: the key decides) it hashes with SHA-256. Ed25519 is defined
// over SHA-512 (RFC 8032 §5.1), which is what relying parties check
// (coreos/go-oidc's VerifyAccessToken among them). fosite offers no hook
// for the hash, so the handlers hand the issued code and access token
// down in the context (withHashInputs) and the claims are recomputed here,
// just before signing.
type idTokenStrategy struct {
	openid.DefaultStrategy
	signer *jwk.Signer
}

// Interface guards
var _ openid.OpenIDConnectTokenStrategy = (*idTokenStrategy)(nil)

// GenerateIDToken implements openid.OpenIDConnectTokenStrategy.
func (s *idTokenStrategy) GenerateIDToken(ctx context.Context, lifespan time.Duration, r fosite.Requester) (string, error) {
	sess, ok := r.GetSession().(openid.Session)
	in, has := ctx.Value(hashInputsKey{}).(hashInputs)
	if ok && has {
		k, err := s.signer.SigningKey(ctx)
		if err != nil {
			return "", err
		}
		if newHash := tokenHash(k.Alg); newHash != nil {
			claims := sess.IDTokenClaims()
			if claims.AccessTokenHash != "" && in.accessToken() != "" {
				claims.AccessTokenHash = leftHalfHash(newHash, in.accessToken())
			}
			if claims.CodeHash != "" && in.code() != "" {
				claims.CodeHash = leftHalfHash(newHash, in.code())
			}
		}
	}
	return s.DefaultStrategy.GenerateIDToken(ctx, lifespan, r)
}

// tokenHash returns the hash of alg when it is not the SHA-256 fosite
// assumes, else nil.
func tokenHash(alg string) func() hash.Hash {
	switch {
	case alg == "EdDSA", strings.HasSuffix(alg, "512"):
		return sha512.New
	case strings.HasSuffix(alg, "384"):
		return sha512.New384
	}
	return nil
}

// leftHalfHash is the *_hash claim value of token.
func leftHalfHash(newHash func() hash.Hash, token string) string {
	h := newHash()
	h.Write([]byte(token))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// hashInputs gives the code and access token issued in the request being
// answered, for the ID token's c_hash and at_hash.
type hashInputs interface {
	accessToken() string
	code() string
}

type hashInputsKey struct{}

func withHashInputs(ctx context.Context, in hashInputs) context.Context {
	return context.WithValue(ctx, hashInputsKey{}, in)
}

// authorizeOutputs reads them from an authorization response (implicit
// and hybrid flows), which fosite fills before it signs the ID token.
type authorizeOutputs struct{ resp fosite.AuthorizeResponder }

func (a authorizeOutputs) accessToken() string { return a.resp.GetParameters().Get("access_token") }
func (a authorizeOutputs) code() string        { return a.resp.GetParameters().Get("code") }

// tokenOutputs reads them from a token response and its request: the
// access token just issued and, for the authorization_code grant, the code
// redeemed (a hybrid flow's stored ID token claims carry its c_hash).
type tokenOutputs struct {
	req  fosite.AccessRequester
	resp fosite.AccessResponder
}

func (t tokenOutputs) accessToken() string { return t.resp.GetAccessToken() }
func (t tokenOutputs) code() string {
	if !t.req.GetGrantTypes().ExactOne("authorization_code") {
		return ""
	}
	return t.req.GetRequestForm().Get("code")
}

// hashGuard hands an authorization endpoint handler's response to
// idTokenStrategy.
type hashGuard struct {
	fosite.AuthorizeEndpointHandler
}

func (g hashGuard) HandleAuthorizeEndpointRequest(ctx context.Context, ar fosite.AuthorizeRequester, resp fosite.AuthorizeResponder) error {
	return g.AuthorizeEndpointHandler.HandleAuthorizeEndpointRequest(withHashInputs(ctx, authorizeOutputs{resp}), ar, resp)
}

package oauth2

import (
	"context"
	"errors"
	"strings"

	"github.com/ory/fosite"
	fositeoauth2 "github.com/ory/fosite/handler/oauth2"

	"github.com/cerberus-iam/cerberus/oauth2/client"
	"github.com/cerberus-iam/cerberus/oauth2/jwk"
	"github.com/cerberus-iam/cerberus/oauth2/store"
)

// tokenStrategy issues opaque (HMAC, ory_at_…) or JWT access tokens per
// client: a client's access_token_strategy overrides
// oauth2.strategies.access_token. Refresh tokens and codes are always
// opaque. Tokens are told apart by shape when they come back.
type tokenStrategy struct {
	hmac       *fositeoauth2.HMACSHAStrategy
	jwt        *fositeoauth2.DefaultJWTStrategy
	defaultJWT bool
}

// Interface guards
var _ fositeoauth2.CoreStrategy = (*tokenStrategy)(nil)

func (t *tokenStrategy) useJWT(c fosite.Client) bool {
	if cl, ok := c.(*client.Client); ok && cl.AccessTokenStrategy != "" {
		return cl.AccessTokenStrategy == "jwt"
	}
	return t.defaultJWT
}

func isJWT(token string) bool { return strings.Count(token, ".") == 2 }

func (t *tokenStrategy) AccessTokenSignature(ctx context.Context, token string) string {
	if isJWT(token) {
		return t.jwt.AccessTokenSignature(ctx, token)
	}
	return t.hmac.AccessTokenSignature(ctx, token)
}

func (t *tokenStrategy) GenerateAccessToken(ctx context.Context, r fosite.Requester) (string, string, error) {
	if t.useJWT(r.GetClient()) {
		return t.jwt.GenerateAccessToken(ctx, r)
	}
	return t.hmac.GenerateAccessToken(ctx, r)
}

func (t *tokenStrategy) ValidateAccessToken(ctx context.Context, r fosite.Requester, token string) error {
	if isJWT(token) {
		return t.jwt.ValidateAccessToken(ctx, r, token)
	}
	return t.hmac.ValidateAccessToken(ctx, r, token)
}

func (t *tokenStrategy) RefreshTokenSignature(ctx context.Context, token string) string {
	return t.hmac.RefreshTokenSignature(ctx, token)
}

func (t *tokenStrategy) GenerateRefreshToken(ctx context.Context, r fosite.Requester) (string, string, error) {
	return t.hmac.GenerateRefreshToken(ctx, r)
}

func (t *tokenStrategy) ValidateRefreshToken(ctx context.Context, r fosite.Requester, token string) error {
	return t.hmac.ValidateRefreshToken(ctx, r, token)
}

func (t *tokenStrategy) AuthorizeCodeSignature(ctx context.Context, token string) string {
	return t.hmac.AuthorizeCodeSignature(ctx, token)
}

func (t *tokenStrategy) GenerateAuthorizeCode(ctx context.Context, r fosite.Requester) (string, string, error) {
	return t.hmac.GenerateAuthorizeCode(ctx, r)
}

func (t *tokenStrategy) ValidateAuthorizeCode(ctx context.Context, r fosite.Requester, token string) error {
	return t.hmac.ValidateAuthorizeCode(ctx, r, token)
}

// withClientAlgorithms asks the signers for the client's algorithms.
func withClientAlgorithms(ctx context.Context, c fosite.Client) context.Context {
	cl, ok := c.(*client.Client)
	if !ok {
		return ctx
	}
	ctx = jwk.WithAlgorithm(ctx, jwk.IDTokenSet, cl.IDTokenSignedResponseAlg)
	return jwk.WithAlgorithm(ctx, jwk.AccessTokenSet, cl.AccessTokenSignedResponseAlg)
}

// raceGuard reports a code or refresh token that a concurrent request
// consumed first as invalid_grant (RFC 6749 §5.2) rather than the server
// error fosite makes of a failed storage call. The loser's transaction has
// rolled back: nothing was issued or changed for it.
//
// It also answers for the handlers that cannot handle a request before
// calling them: fosite's handlers report "not mine" with an error carrying
// a stack trace, and fosite asks every handler twice per token request.
type raceGuard struct{ fosite.TokenEndpointHandler }

func (g raceGuard) HandleTokenEndpointRequest(ctx context.Context, r fosite.AccessRequester) error {
	if !g.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	err := g.TokenEndpointHandler.HandleTokenEndpointRequest(ctx, r)
	if errors.Is(err, store.ErrRaced) {
		return fosite.ErrInvalidGrant.WithHint("The refresh token was used by a concurrent request.").WithWrap(err)
	}
	return err
}

func (g raceGuard) PopulateTokenEndpointResponse(ctx context.Context, r fosite.AccessRequester, resp fosite.AccessResponder) error {
	if !g.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	if r.GetGrantedScopes().Has("openid") {
		// The ID token handlers sign after the access token is issued;
		// they read it (and the redeemed code) for at_hash and c_hash.
		ctx = withHashInputs(ctx, tokenOutputs{r, resp})
	}
	err := g.TokenEndpointHandler.PopulateTokenEndpointResponse(ctx, r, resp)
	if errors.Is(err, store.ErrRaced) {
		return fosite.ErrInvalidGrant.WithHint("The authorization code or refresh token has already been used.").WithWrap(err)
	}
	return err
}

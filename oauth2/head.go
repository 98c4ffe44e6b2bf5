package oauth2

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	fositeoauth2 "github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/openid"
	fositehmac "github.com/ory/fosite/token/hmac"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/secretbox"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/oauth2/apierror"
	"github.com/cerberus-iam/cerberus/oauth2/client"
	"github.com/cerberus-iam/cerberus/oauth2/flow"
	"github.com/cerberus-iam/cerberus/oauth2/jwk"
	"github.com/cerberus-iam/cerberus/oauth2/store"
)

// Options are what the head is built from.
type Options struct {
	Config *config.Config
	Pool   *pgxpool.Pool
	Now    func() time.Time
	Rand   io.Reader
	Log    *slog.Logger
	// Claims supplies OpenID claims of subjects (identity traits); nil
	// means only what the consent put in the session.
	Claims ClaimsProvider
	// Sessions finds the browser's signed-in end-user in process (the
	// identity head); nil means every login goes through the login page.
	Sessions BrowserSessions
	// HTTPClient sends back-channel logout tokens (default: 5s timeout,
	// no redirects).
	HTTPClient *http.Client
	// Notifier carries key rotations and client edits made by other
	// instances; nil means they are noticed by polling and per-request
	// checks only.
	Notifier *storage.Notifier
}

// Head is the OAuth2 / OpenID Connect head.
type Head struct {
	s        settings
	o        Options
	fcfg     *fosite.Config
	provider fosite.OAuth2Provider
	clients  *client.Store
	hasher   *client.Hasher
	keys     *jwk.Manager
	store    *store.Store
	idSigner *jwk.Signer
	apiErr   apierror.Writer
	meta     *metadata
	flows    *flow.Service
	// enigma checks opaque tokens' HMACs on the fast introspection path.
	enigma   *fositehmac.HMACStrategy
	strategy *tokenStrategy
}

// New builds the head and makes sure signing keys exist (creating them
// under a database lock on the first start).
func New(ctx context.Context, o Options) (*Head, error) {
	c := o.Config
	s := resolve(c)
	box, err := secretbox.New(c.Secrets.SystemSecrets(), "oauth2")
	if err != nil {
		return nil, err
	}
	hasher, err := client.NewHasher(client.HasherOptions{
		Algorithm: c.OAuth2.Hashers.Algorithm, PBKDF2Iterations: c.OAuth2.Hashers.PBKDF2.Iterations,
		BCryptCost: c.OAuth2.Hashers.BCrypt.Cost, Now: o.Now, Rand: o.Rand,
	})
	if err != nil {
		return nil, err
	}
	clients := client.NewStore(o.Pool, o.Now)
	if o.Notifier != nil {
		clients.Watch(o.Notifier)
	}
	h := &Head{s: s, o: o, clients: clients, hasher: hasher, apiErr: apierror.Writer{Debug: c.OAuth2.ExposeInternalErrors}}
	h.keys = jwk.NewManager(jwk.Options{
		Pool: o.Pool, Box: box, Algorithm: c.OAuth2.Keys.Algorithm, RSABits: c.OAuth2.Keys.RSABits,
		Retention: h.keyRetention, Now: o.Now, Rand: o.Rand, Log: o.Log, Notifier: o.Notifier,
	})
	if err := h.keys.Start(ctx); err != nil {
		return nil, err
	}
	h.store = store.New(o.Pool, box, clients, o.Now)
	h.store.Introspection = h.precomputeIntrospection
	h.fcfg, err = fositeConfig(c, s, hasher)
	if err != nil {
		return nil, err
	}
	h.idSigner = &jwk.Signer{M: h.keys, Set: jwk.IDTokenSet}
	hmac := compose.NewOAuth2HMACStrategy(h.fcfg)
	h.enigma = &fositehmac.HMACStrategy{Config: h.fcfg}
	h.strategy = &tokenStrategy{
		hmac: hmac,
		jwt: &fositeoauth2.DefaultJWTStrategy{
			Signer: &jwk.Signer{M: h.keys, Set: jwk.AccessTokenSet}, HMACSHAStrategy: hmac, Config: h.fcfg,
		},
		defaultJWT: s.jwtAccess,
	}
	idTokens := &idTokenStrategy{DefaultStrategy: openid.DefaultStrategy{Signer: h.idSigner, Config: h.fcfg}, signer: h.idSigner}
	strategy := &compose.CommonStrategy{CoreStrategy: h.strategy, OpenIDConnectTokenStrategy: idTokens, Signer: h.idSigner}
	h.provider = compose.Compose(h.fcfg, h.store, strategy,
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2AuthorizeImplicitFactory,
		compose.OAuth2ClientCredentialsGrantFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OpenIDConnectExplicitFactory,
		compose.OpenIDConnectImplicitFactory,
		compose.OpenIDConnectHybridFactory,
		compose.OpenIDConnectRefreshFactory,
		compose.OAuth2TokenIntrospectionFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OAuth2PKCEFactory,
	)
	for i, th := range h.fcfg.TokenEndpointHandlers {
		h.fcfg.TokenEndpointHandlers[i] = raceGuard{th}
	}
	for i, ah := range h.fcfg.AuthorizeEndpointHandlers {
		h.fcfg.AuthorizeEndpointHandlers[i] = hashGuard{ah}
	}
	h.meta = newMetadata(s, c.OAuth2, h.keys)
	h.flows = &flow.Service{
		Store: flow.NewStore(o.Pool, clients), Tokens: h.store, TTL: c.OAuth2.TTL.LoginConsentRequest.D(),
		Now: o.Now, Rand: o.Rand, PublicURL: s.publicURL,
	}
	return h, nil
}

// Keys returns the signing key manager (for `keys rotate` and the proxy's
// local JWKS).
func (h *Head) Keys() *jwk.Manager { return h.keys }

// Clients returns the client store.
func (h *Head) Clients() *client.Store { return h.clients }

// keyRetention is how long a retired key stays published: the longest
// lifespan of a JWT it may have signed (access or ID token, globally or
// for any client), plus a minute of clock skew.
func (h *Head) keyRetention(ctx context.Context) (time.Duration, error) {
	t := h.o.Config.OAuth2.TTL
	keep := max(t.AccessToken.D(), t.IDToken.D())
	longest, err := h.clients.LongestLifespan(ctx)
	if err != nil {
		return 0, err
	}
	return max(keep, longest) + time.Minute, nil
}

// Run keeps keys current until ctx ends.
func (h *Head) Run(ctx context.Context) { h.keys.Run(ctx) }

// PruneTokens deletes tokens and seen assertion ids that expired before
// cutoff. Keep expired tokens a while (the caller picks cutoff): a late
// replay of a used code or refresh token is then still recognised as one.
func (h *Head) PruneTokens(ctx context.Context, cutoff time.Time) (int64, error) {
	return h.store.Prune(ctx, cutoff)
}

// PruneRequests deletes login, consent and logout requests and remembered
// logins that expired before cutoff.
func (h *Head) PruneRequests(ctx context.Context, cutoff time.Time) (int64, error) {
	return h.flows.Store.Prune(ctx, cutoff)
}

package oauth2

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"sync/atomic"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/oauth2/jwk"
)

// metadata serves /.well-known/openid-configuration and
// /.well-known/jwks.json from bytes computed once per key ring: both
// change only when keys do, so a request costs a pointer load and a write.
type metadata struct {
	s    settings
	cfg  config.OAuth2
	keys *jwk.Manager
	disc atomic.Pointer[document]
}

type document struct {
	version uint64
	body    []byte
	etag    string
}

func newMetadata(s settings, cfg config.OAuth2, keys *jwk.Manager) *metadata {
	return &metadata{s: s, cfg: cfg, keys: keys}
}

// discovery is OpenID Connect Discovery 1.0 §3 plus RFC 8414 fields.
type discovery struct {
	Issuer                                     string   `json:"issuer"`
	AuthorizationEndpoint                      string   `json:"authorization_endpoint"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	JWKSURI                                    string   `json:"jwks_uri"`
	UserinfoEndpoint                           string   `json:"userinfo_endpoint"`
	RevocationEndpoint                         string   `json:"revocation_endpoint"`
	EndSessionEndpoint                         string   `json:"end_session_endpoint"`
	ScopesSupported                            []string `json:"scopes_supported"`
	ClaimsSupported                            []string `json:"claims_supported"`
	ResponseTypesSupported                     []string `json:"response_types_supported"`
	ResponseModesSupported                     []string `json:"response_modes_supported"`
	GrantTypesSupported                        []string `json:"grant_types_supported"`
	SubjectTypesSupported                      []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported           []string `json:"id_token_signing_alg_values_supported"`
	IDTokenSignedResponseAlg                   []string `json:"id_token_signed_response_alg"`
	UserinfoSigningAlgValuesSupported          []string `json:"userinfo_signing_alg_values_supported"`
	UserinfoSignedResponseAlg                  []string `json:"userinfo_signed_response_alg"`
	RequestObjectSigningAlgValuesSupported     []string `json:"request_object_signing_alg_values_supported"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported"`
	TokenEndpointAuthSigningAlgValuesSupported []string `json:"token_endpoint_auth_signing_alg_values_supported"`
	CodeChallengeMethodsSupported              []string `json:"code_challenge_methods_supported"`
	ClaimsParameterSupported                   bool     `json:"claims_parameter_supported"`
	RequestParameterSupported                  bool     `json:"request_parameter_supported"`
	RequestURIParameterSupported               bool     `json:"request_uri_parameter_supported"`
	RequireRequestURIRegistration              bool     `json:"require_request_uri_registration"`
	FrontchannelLogoutSupported                bool     `json:"frontchannel_logout_supported"`
	FrontchannelLogoutSessionSupported         bool     `json:"frontchannel_logout_session_supported"`
	BackchannelLogoutSupported                 bool     `json:"backchannel_logout_supported"`
	BackchannelLogoutSessionSupported          bool     `json:"backchannel_logout_session_supported"`
	IntrospectionEndpoint                      string   `json:"introspection_endpoint,omitempty"`
}

func (m *metadata) build() *document {
	ring := m.keys.Ring()
	if d := m.disc.Load(); d != nil && d.version == ring.Version {
		return d
	}
	algs := slices.Clone(ring.Algorithms(jwk.IDTokenSet))
	if len(algs) == 0 {
		algs = []string{m.keys.DefaultAlgorithm()}
	}
	scopes := append([]string{"offline_access", "offline", "openid", "profile", "email", "phone", "address"},
		m.cfg.Webfinger.OIDCDiscovery.SupportedScope...)
	claims := append([]string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid",
		"name", "given_name", "family_name", "email", "email_verified", "phone_number", "phone_number_verified", "address"},
		m.cfg.Webfinger.OIDCDiscovery.SupportedClaims...)
	d := discovery{
		Issuer:                                     m.s.issuer,
		AuthorizationEndpoint:                      m.s.endpoint("oauth2/auth"),
		TokenEndpoint:                              m.s.endpoint("oauth2/token"),
		JWKSURI:                                    m.s.endpoint(".well-known/jwks.json"),
		UserinfoEndpoint:                           m.s.endpoint("userinfo"),
		RevocationEndpoint:                         m.s.endpoint("oauth2/revoke"),
		EndSessionEndpoint:                         m.s.endpoint("oauth2/sessions/logout"),
		ScopesSupported:                            dedupe(scopes),
		ClaimsSupported:                            dedupe(claims),
		ResponseTypesSupported:                     []string{"code", "code id_token", "id_token", "token id_token", "token", "token id_token code"},
		ResponseModesSupported:                     []string{"query", "fragment", "form_post"},
		GrantTypesSupported:                        []string{"authorization_code", "implicit", "client_credentials", "refresh_token"},
		SubjectTypesSupported:                      []string{"public"},
		IDTokenSigningAlgValuesSupported:           algs,
		IDTokenSignedResponseAlg:                   algs,
		UserinfoSigningAlgValuesSupported:          append([]string{"none"}, algs...),
		UserinfoSignedResponseAlg:                  algs,
		RequestObjectSigningAlgValuesSupported:     []string{"none", "RS256", "ES256"},
		TokenEndpointAuthMethodsSupported:          []string{"client_secret_post", "client_secret_basic", "private_key_jwt", "none"},
		TokenEndpointAuthSigningAlgValuesSupported: []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"},
		CodeChallengeMethodsSupported:              []string{"S256"},
		RequestParameterSupported:                  true,
		RequestURIParameterSupported:               true,
		RequireRequestURIRegistration:              true,
		FrontchannelLogoutSupported:                true,
		FrontchannelLogoutSessionSupported:         true,
		BackchannelLogoutSupported:                 true,
		BackchannelLogoutSessionSupported:          true,
	}
	body, _ := json.Marshal(&d)
	sum := sha256.Sum256(body)
	doc := &document{version: ring.Version, body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`}
	m.disc.Store(doc)
	return doc
}

func dedupe(in []string) []string {
	var out []string
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (m *metadata) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	d := m.build()
	writeStatic(w, r, d.body, d.etag)
}

func (m *metadata) serveJWKS(w http.ResponseWriter, r *http.Request) {
	body, etag := m.keys.Ring().JWKS()
	writeStatic(w, r, body, etag)
}

// writeStatic writes precomputed JSON with an ETag, answering a matching
// If-None-Match with 304. Caches may keep it a minute: relying parties
// refetch the JWKS when a token names a kid they do not know, so caching
// never blocks verification after a rotation.
func writeStatic(w http.ResponseWriter, r *http.Request, body []byte, etag string) {
	h := w.Header()
	h["Etag"] = []string{etag}
	h["Cache-Control"] = []string{"public, max-age=60"}
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = []string{"application/json"}
	h["X-Content-Type-Options"] = []string{"nosniff"}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/handler/pkce"

	"github.com/cerberus-iam/cerberus/internal/secretbox"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/oauth2/client"
)

// ErrRaced is returned when a code or refresh token was consumed by a
// concurrent request: between being read and being used, or after the
// request arrived. Such a request lost a race; it is not a replay.
var ErrRaced = errors.New("the token was used by a concurrent request")

type arrivalKey struct{}

// WithArrival records when a token request arrived. A refresh token found
// used after that instant was used by a concurrent request (ErrRaced);
// one used before is being replayed (fosite.ErrInactiveToken, which
// revokes the chain).
func WithArrival(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, arrivalKey{}, t)
}

// Token kinds, the kind column.
const (
	kindAccess  = "access"
	kindRefresh = "refresh"
	kindCode    = "code"
	kindOIDC    = "oidc"
	kindPKCE    = "pkce"
)

// Store implements fosite's storage interfaces on Postgres.
type Store struct {
	pool    *pgxpool.Pool
	box     *secretbox.Box
	clients *client.Store
	now     func() time.Time
	// Introspection, when set, renders an access token's introspection
	// answer at issuance; it is stored sealed for FastIntrospection.
	Introspection func(r fosite.Requester) ([]byte, error)
}

// Interface guards
var (
	_ fosite.ClientManager                 = (*Store)(nil)
	_ oauth2.CoreStorage                   = (*Store)(nil)
	_ oauth2.TokenRevocationStorage        = (*Store)(nil)
	_ openid.OpenIDConnectRequestStorage   = (*Store)(nil)
	_ pkce.PKCERequestStorage              = (*Store)(nil)
	_ oauth2.ClientCredentialsGrantStorage = (*Store)(nil)
)

// New returns a Store.
func New(pool *pgxpool.Pool, box *secretbox.Box, clients *client.Store, now func() time.Time) *Store {
	return &Store{pool: pool, box: box, clients: clients, now: now}
}

// FlowCarrier is a session that knows the login/consent flow it came from.
type FlowCarrier interface {
	GetFlowID() string
}

// record is the sealed part of a stored request.
type record struct {
	ID                string          `json:"id"`
	RequestedAt       time.Time       `json:"requested_at"`
	RequestedScope    []string        `json:"requested_scope,omitempty"`
	GrantedScope      []string        `json:"granted_scope,omitempty"`
	RequestedAudience []string        `json:"requested_audience,omitempty"`
	GrantedAudience   []string        `json:"granted_audience,omitempty"`
	Form              url.Values      `json:"form,omitempty"`
	Session           json.RawMessage `json:"session"`
}

func hashSig(sig string) []byte {
	h := sha256.Sum256([]byte(sig))
	return h[:]
}

func sealAD(kind string, sig []byte) []byte {
	return append([]byte("oauth2 token "+kind+" "), sig...)
}

// expiry picks the expiry of a kind from the session.
func expiry(kind string, r fosite.Requester) *time.Time {
	s := r.GetSession()
	if s == nil {
		return nil
	}
	var t time.Time
	switch kind {
	case kindAccess:
		t = s.GetExpiresAt(fosite.AccessToken)
	case kindRefresh:
		t = s.GetExpiresAt(fosite.RefreshToken)
	default:
		t = s.GetExpiresAt(fosite.AuthorizeCode)
	}
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Store) create(ctx context.Context, kind, signature string, r fosite.Requester, accessSig string) error {
	sess, err := json.Marshal(r.GetSession())
	if err != nil {
		return fmt.Errorf("encoding session: %w", err)
	}
	rec := record{
		ID: r.GetID(), RequestedAt: r.GetRequestedAt(), RequestedScope: r.GetRequestedScopes(),
		GrantedScope: r.GetGrantedScopes(), RequestedAudience: r.GetRequestedAudience(),
		GrantedAudience: r.GetGrantedAudience(), Form: r.GetRequestForm(), Session: sess,
	}
	plain, err := json.Marshal(&rec)
	if err != nil {
		return err
	}
	sig := hashSig(signature)
	sealed, err := s.box.Seal(plain, sealAD(kind, sig))
	if err != nil {
		return err
	}
	var subject, flowID string
	var flow *string
	if se := r.GetSession(); se != nil {
		subject = se.GetSubject()
		if fc, ok := se.(FlowCarrier); ok {
			flowID = fc.GetFlowID()
		}
	}
	if flowID != "" {
		flow = &flowID
	}
	var access []byte
	if accessSig != "" {
		access = hashSig(accessSig)
	}
	var intro []byte
	if kind == kindAccess && s.Introspection != nil {
		plain, err := s.Introspection(r)
		if err != nil {
			return err
		}
		if plain != nil {
			if intro, err = s.box.Seal(plain, introAD(sig)); err != nil {
				return err
			}
		}
	}
	const insert = `INSERT INTO oauth2_tokens
		(signature, kind, request_id, client_id, subject, flow_id, requested_at, expires_at, access_signature, session, introspection)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	args := []any{sig, kind, r.GetID(), r.GetClient().GetID(), subject, flow, rec.RequestedAt, expiry(kind, r), access, sealed, intro}
	if _, inTx := ctx.Value(txKey{}).(*txState); kind == kindAccess && !inTx {
		// An access token issued on its own (client_credentials,
		// implicit) commits without waiting for the WAL flush: one round
		// trip, one implicit transaction. A crash can lose the last
		// moment's tokens, which then introspect as inactive: the failure
		// is closed. Revocations, code use and refresh rotation stay
		// synchronous.
		b := &pgx.Batch{}
		b.Queue(`SELECT set_config('synchronous_commit', 'off', true)`)
		b.Queue(insert, args...)
		return storage.Translate(s.pool.SendBatch(ctx, b).Close())
	}
	_, err = s.db(ctx).Exec(ctx, insert, args...)
	return storage.Translate(err)
}

// get loads a stored request into session. It returns the request with
// fosite.ErrInactiveToken when the row is inactive, fosite.ErrNotFound
// when missing.
func (s *Store) get(ctx context.Context, kind, signature string, session fosite.Session) (fosite.Requester, error) {
	sig := hashSig(signature)
	var (
		active             bool
		usedAt             *time.Time
		sealed             []byte
		clientID, hash     string
		body               []byte
		cCreated, cUpdated time.Time
	)
	err := s.db(ctx).QueryRow(ctx, `SELECT t.active, t.used_at, t.session, c.id, c.secret_hash, c.body, c.created_at, c.updated_at
		FROM oauth2_tokens t JOIN oauth2_clients c ON c.id = t.client_id
		WHERE t.signature = $1 AND t.kind = $2`, sig, kind).
		Scan(&active, &usedAt, &sealed, &clientID, &hash, &body, &cCreated, &cUpdated)
	if err != nil {
		if errors.Is(storage.Translate(err), storage.ErrNotFound) {
			return nil, fosite.ErrNotFound
		}
		return nil, err
	}
	cl, err := s.clients.Decode(clientID, hash, body, cCreated, cUpdated)
	if err != nil {
		return nil, err
	}
	plain, err := s.box.Open(sealed, sealAD(kind, sig))
	if err != nil {
		return nil, fmt.Errorf("opening stored %s token: %w", kind, err)
	}
	var rec record
	if err := json.Unmarshal(plain, &rec); err != nil {
		return nil, fmt.Errorf("decoding stored %s token: %w", kind, err)
	}
	if session != nil {
		if err := json.Unmarshal(rec.Session, session); err != nil {
			return nil, fmt.Errorf("decoding stored session: %w", err)
		}
	}
	req := &fosite.Request{
		ID: rec.ID, RequestedAt: rec.RequestedAt, Client: cl,
		RequestedScope: rec.RequestedScope, GrantedScope: rec.GrantedScope,
		RequestedAudience: rec.RequestedAudience, GrantedAudience: rec.GrantedAudience,
		Form: rec.Form, Session: session,
	}
	if req.Form == nil {
		req.Form = url.Values{}
	}
	if !active {
		if arrived, ok := ctx.Value(arrivalKey{}).(time.Time); ok && usedAt != nil && usedAt.After(arrived) {
			return req, ErrRaced
		}
		return req, fosite.ErrInactiveToken
	}
	return req, nil
}

func introAD(sig []byte) []byte { return append([]byte("oauth2 introspection "), sig...) }

// FastIntrospection returns the introspection answer stored for an access
// token's signature: found is false when the token is unknown, expired or
// revoked; precomputed is false when the row predates precomputation (the
// caller then takes the full path).
func (s *Store) FastIntrospection(ctx context.Context, signature string) (body []byte, found, precomputed bool, err error) {
	sig := hashSig(signature)
	var sealed []byte
	err = s.pool.QueryRow(ctx, `SELECT introspection FROM oauth2_tokens
		WHERE signature = $1 AND kind = 'access' AND active AND (expires_at IS NULL OR expires_at > $2)`, sig, s.now()).Scan(&sealed)
	if errors.Is(storage.Translate(err), storage.ErrNotFound) {
		return nil, false, true, nil
	}
	if err != nil {
		return nil, false, false, storage.Translate(err)
	}
	if sealed == nil {
		return nil, true, false, nil
	}
	body, err = s.box.Open(sealed, introAD(sig))
	return body, err == nil, true, err
}

func (s *Store) delete(ctx context.Context, kind, signature string) error {
	_, err := s.db(ctx).Exec(ctx, `DELETE FROM oauth2_tokens WHERE signature = $1 AND kind = $2`, hashSig(signature), kind)
	return storage.Translate(err)
}

// GetClient returns a client for fosite.
func (s *Store) GetClient(ctx context.Context, id string) (fosite.Client, error) {
	c, err := s.clients.Lookup(ctx, s.db(ctx), id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fosite.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ClientAssertionJWTValid reports whether a private_key_jwt assertion id
// is still unused.
func (s *Store) ClientAssertionJWTValid(ctx context.Context, jti string) error {
	var exp time.Time
	err := s.db(ctx).QueryRow(ctx, `SELECT expires_at FROM oauth2_jti WHERE jti = $1`, hashSig(jti)).Scan(&exp)
	if errors.Is(storage.Translate(err), storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if exp.After(s.now()) {
		return fosite.ErrJTIKnown
	}
	return nil
}

// SetClientAssertionJWT records a used assertion id until it expires.
func (s *Store) SetClientAssertionJWT(ctx context.Context, jti string, exp time.Time) error {
	d := s.db(ctx)
	if _, err := d.Exec(ctx, `DELETE FROM oauth2_jti WHERE expires_at < $1`, s.now()); err != nil {
		return storage.Translate(err)
	}
	_, err := d.Exec(ctx, `INSERT INTO oauth2_jti (jti, expires_at) VALUES ($1, $2)`, hashSig(jti), exp)
	if errors.Is(storage.Translate(err), storage.ErrAlreadyExists) {
		return fosite.ErrJTIKnown
	}
	return storage.Translate(err)
}

// CreateAuthorizeCodeSession stores an authorization code.
func (s *Store) CreateAuthorizeCodeSession(ctx context.Context, code string, r fosite.Requester) error {
	return s.create(ctx, kindCode, code, r, "")
}

// GetAuthorizeCodeSession loads a code; a used one comes back with
// fosite.ErrInvalidatedAuthorizeCode and its request, so fosite can revoke
// what was issued from it (RFC 6749 §4.1.2).
func (s *Store) GetAuthorizeCodeSession(ctx context.Context, code string, session fosite.Session) (fosite.Requester, error) {
	r, err := s.get(ctx, kindCode, code, session)
	if errors.Is(err, fosite.ErrInactiveToken) {
		return r, fosite.ErrInvalidatedAuthorizeCode
	}
	return r, err
}

// InvalidateAuthorizeCodeSession marks a code used and drops its PKCE
// challenge; ErrRaced when a concurrent exchange used it first.
func (s *Store) InvalidateAuthorizeCodeSession(ctx context.Context, code string) error {
	if err := s.deactivate(ctx, kindCode, code); err != nil {
		return err
	}
	return s.delete(ctx, kindPKCE, code)
}

func (s *Store) deactivate(ctx context.Context, kind, signature string) error {
	tag, err := s.db(ctx).Exec(ctx, `UPDATE oauth2_tokens SET active = false, used_at = $3
		WHERE signature = $1 AND kind = $2 AND active`, hashSig(signature), kind, s.now())
	if err != nil {
		return storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		return ErrRaced
	}
	markUsed(ctx, hashSig(signature))
	return nil
}

// CreateAccessTokenSession stores an access token (opaque or JWT).
func (s *Store) CreateAccessTokenSession(ctx context.Context, signature string, r fosite.Requester) error {
	return s.create(ctx, kindAccess, signature, r, "")
}

// GetAccessTokenSession loads an access token.
func (s *Store) GetAccessTokenSession(ctx context.Context, signature string, session fosite.Session) (fosite.Requester, error) {
	return s.get(ctx, kindAccess, signature, session)
}

// DeleteAccessTokenSession deletes an access token.
func (s *Store) DeleteAccessTokenSession(ctx context.Context, signature string) error {
	return s.delete(ctx, kindAccess, signature)
}

// CreateRefreshTokenSession stores a refresh token beside its access token.
func (s *Store) CreateRefreshTokenSession(ctx context.Context, signature, accessSignature string, r fosite.Requester) error {
	return s.create(ctx, kindRefresh, signature, r, accessSignature)
}

// GetRefreshTokenSession loads a refresh token; a used one comes back
// with fosite.ErrInactiveToken and its request, which fosite treats as
// reuse and answers by revoking the whole chain (RFC 6819 §5.2.2.3).
func (s *Store) GetRefreshTokenSession(ctx context.Context, signature string, session fosite.Session) (fosite.Requester, error) {
	return s.get(ctx, kindRefresh, signature, session)
}

// DeleteRefreshTokenSession deletes a refresh token.
func (s *Store) DeleteRefreshTokenSession(ctx context.Context, signature string) error {
	return s.delete(ctx, kindRefresh, signature)
}

// RotateRefreshToken marks the presented refresh token used (kept, so a
// later reuse is recognised) and revokes the access token issued with it.
// ErrRaced when a concurrent refresh rotated it first: exactly one wins.
func (s *Store) RotateRefreshToken(ctx context.Context, requestID, signature string) error {
	var access []byte
	err := s.db(ctx).QueryRow(ctx, `UPDATE oauth2_tokens SET active = false, used_at = $3
		WHERE signature = $1 AND kind = 'refresh' AND active AND request_id = $2
		RETURNING access_signature`, hashSig(signature), requestID, s.now()).Scan(&access)
	if errors.Is(storage.Translate(err), storage.ErrNotFound) {
		return ErrRaced
	}
	if err != nil {
		return storage.Translate(err)
	}
	markUsed(ctx, hashSig(signature))
	if access != nil {
		_, err = s.db(ctx).Exec(ctx, `DELETE FROM oauth2_tokens WHERE signature = $1 AND kind = 'access'`, access)
	}
	return storage.Translate(err)
}

// RevokeRefreshToken deactivates every refresh token of a grant.
func (s *Store) RevokeRefreshToken(ctx context.Context, requestID string) error {
	_, err := s.db(ctx).Exec(ctx, `UPDATE oauth2_tokens SET active = false WHERE request_id = $1 AND kind = 'refresh'`, requestID)
	return storage.Translate(err)
}

// RevokeAccessToken deletes every access token of a grant.
func (s *Store) RevokeAccessToken(ctx context.Context, requestID string) error {
	_, err := s.db(ctx).Exec(ctx, `DELETE FROM oauth2_tokens WHERE request_id = $1 AND kind = 'access'`, requestID)
	return storage.Translate(err)
}

// CreateOpenIDConnectSession stores the OpenID request of a code.
func (s *Store) CreateOpenIDConnectSession(ctx context.Context, code string, r fosite.Requester) error {
	return s.create(ctx, kindOIDC, code, r, "")
}

// GetOpenIDConnectSession loads the OpenID request of a code.
func (s *Store) GetOpenIDConnectSession(ctx context.Context, code string, r fosite.Requester) (fosite.Requester, error) {
	out, err := s.get(ctx, kindOIDC, code, r.GetSession())
	if errors.Is(err, fosite.ErrInactiveToken) {
		return out, nil
	}
	return out, err
}

// DeleteOpenIDConnectSession deletes the OpenID request of a code.
func (s *Store) DeleteOpenIDConnectSession(ctx context.Context, code string) error {
	return s.delete(ctx, kindOIDC, code)
}

// CreatePKCERequestSession stores the PKCE challenge of a code.
func (s *Store) CreatePKCERequestSession(ctx context.Context, code string, r fosite.Requester) error {
	return s.create(ctx, kindPKCE, code, r, "")
}

// GetPKCERequestSession loads the PKCE challenge of a code.
func (s *Store) GetPKCERequestSession(ctx context.Context, code string, session fosite.Session) (fosite.Requester, error) {
	r, err := s.get(ctx, kindPKCE, code, session)
	if errors.Is(err, fosite.ErrInactiveToken) {
		return r, nil
	}
	return r, err
}

// DeletePKCERequestSession is called by fosite before it checks the
// verifier, so deleting here would let a wrong or missing code_verifier
// destroy a valid code. The challenge is dropped when the code is used
// (InvalidateAuthorizeCodeSession) or expires instead: a failed attempt
// changes nothing.
func (s *Store) DeletePKCERequestSession(ctx context.Context, code string) error {
	return nil
}

// RevokeFlow revokes every token issued from a login/consent flow (consent
// session revocation).
func (s *Store) RevokeFlows(ctx context.Context, flowIDs []string) error {
	_, err := s.db(ctx).Exec(ctx, `DELETE FROM oauth2_tokens WHERE flow_id = ANY($1) AND kind IN ('access', 'refresh')`, flowIDs)
	return storage.Translate(err)
}

// DeleteClientAccessTokens deletes every access token of a client.
func (s *Store) DeleteClientAccessTokens(ctx context.Context, clientID string) error {
	_, err := s.db(ctx).Exec(ctx, `DELETE FROM oauth2_tokens WHERE client_id = $1 AND kind = 'access'`, clientID)
	return storage.Translate(err)
}

// Prune deletes tokens that expired before cutoff and returns how many.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM oauth2_tokens WHERE expires_at < $1`, cutoff)
	if err != nil {
		return 0, storage.Translate(err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM oauth2_jti WHERE expires_at < $1`, cutoff); err != nil {
		return 0, storage.Translate(err)
	}
	return tag.RowsAffected(), nil
}

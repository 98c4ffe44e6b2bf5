package flow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// TokenRevoker revokes the tokens granted by flows (consent revocation).
type TokenRevoker interface {
	RevokeFlows(ctx context.Context, flowIDs []string) error
}

// Service is the login/consent/logout logic shared by the admin API, the
// authorization endpoint and the in-process self-service bridge.
type Service struct {
	Store  *Store
	Tokens TokenRevoker
	// TTL is how long a challenge stays valid (ttl.login_consent_request).
	TTL  time.Duration
	Now  func() time.Time
	Rand io.Reader
	// PublicURL is the public base URL with a trailing slash (logout
	// verifiers point there).
	PublicURL string
}

// Random returns a URL-safe random string of n bytes of entropy.
func (s *Service) Random(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.Rand, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Errors the admin API renders.
var (
	errNotFound = httpx.ErrNotFound.WithReason("The login, consent or logout request does not exist or has expired.")
)

// gone is the 410 Hydra answers for a handled request, with where the
// browser should go.
type gone struct{ to string }

func (g *gone) Error() string { return "request already handled" }

// Gone reports whether err says the request was handled, and where to go.
func Gone(err error) (string, bool) {
	var g *gone
	if errors.As(err, &g) {
		return g.to, true
	}
	return "", false
}

func (s *Service) live(f *Flow, err error) (*Flow, error) {
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if !f.ExpiresAt.After(s.Now()) {
		return nil, errNotFound
	}
	return f, nil
}

// NewLogin starts a flow and returns it; csrf is the browser's cookie value.
func (s *Service) NewLogin(ctx context.Context, f *Flow, csrf string) error {
	id, err := s.Random(24)
	if err != nil {
		return err
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	f.ID, f.State, f.RequestedAt, f.ExpiresAt = id, StateLoginUnused, now, now.Add(s.TTL)
	if f.LoginSessionID == "" {
		if f.LoginSessionID, err = s.Random(16); err != nil {
			return err
		}
	}
	return s.Store.create(ctx, f, Hash(csrf))
}

// LoginRequest returns a pending login request.
func (s *Service) LoginRequest(ctx context.Context, challenge string) (*Flow, error) {
	f, err := s.live(s.Store.byChallenge(ctx, s.Store.pool, "id", challenge, false))
	if err != nil {
		return nil, err
	}
	if f.State != StateLoginUnused {
		return f, &gone{to: f.RequestURL}
	}
	return f, nil
}

func withParam(u, name, value string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + name + "=" + url.QueryEscape(value)
}

// AcceptLogin records the login app's decision and returns where the
// browser continues: the authorization endpoint with a login_verifier.
func (s *Service) AcceptLogin(ctx context.Context, challenge string, a AcceptLogin) (string, error) {
	if a.Subject == "" {
		return "", httpx.ErrBadRequest.WithReason("Field subject is required.")
	}
	if a.RememberFor < 0 {
		return "", httpx.ErrBadRequest.WithReason("Field remember_for must not be negative.")
	}
	if len(a.Context) > 0 && !json.Valid(a.Context) {
		return "", httpx.ErrBadRequest.WithReason("Field context must be JSON.")
	}
	return s.handleLogin(ctx, challenge, func(f *Flow) error {
		if f.LoginSkip && a.Subject != f.Subject {
			// Hydra: a skipped login must be accepted for the remembered
			// subject; anything else would swap users silently.
			return httpx.ErrBadRequest.WithReason("The login was skipped for subject %q; it cannot be accepted for another subject.", f.Subject)
		}
		if a.AuthenticatedAt.IsZero() {
			a.AuthenticatedAt = s.Now().UTC()
		}
		// Kept in the flow: the accept body's field is not (JSON "-").
		f.Login, f.Subject, f.AuthenticatedAt = &a, a.Subject, a.AuthenticatedAt.UTC()
		return nil
	})
}

// RejectLogin records a refused login.
func (s *Service) RejectLogin(ctx context.Context, challenge string, r Rejection) (string, error) {
	return s.handleLogin(ctx, challenge, func(f *Flow) error {
		r.normalize()
		f.LoginError = &r
		return nil
	})
}

func (r *Rejection) normalize() {
	if r.Error == "" {
		r.Error = "access_denied"
	}
	if r.StatusCode == 0 {
		r.StatusCode = 400
	}
}

func (s *Service) handleLogin(ctx context.Context, challenge string, fn func(f *Flow) error) (string, error) {
	v, err := s.Random(32)
	if err != nil {
		return "", err
	}
	f, err := s.Store.update(ctx, "id", challenge, func(f *Flow) (map[string]any, error) {
		if _, err := s.live(f, nil); err != nil {
			return nil, err
		}
		if f.State != StateLoginUnused {
			return nil, &gone{to: f.RequestURL}
		}
		if err := fn(f); err != nil {
			return nil, err
		}
		f.State = StateLoginHandled
		return map[string]any{"login_verifier": Hash(v)}, nil
	})
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return "", errNotFound
		}
		return "", err
	}
	return withParam(f.RequestURL, "login_verifier", v), nil
}

// ConsumeLogin takes the login verifier the browser brought back; it is
// valid once, with the browser's CSRF cookie, before the flow expires.
func (s *Service) ConsumeLogin(ctx context.Context, verifier, csrf string) (*Flow, error) {
	f, err := s.Store.consume(ctx, "login_verifier", Hash(verifier), Hash(csrf), StateLoginHandled, StateLoginUsed, s.Now())
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errNotFound
	}
	return f, err
}

// StartConsent turns a used login into a pending consent request.
func (s *Service) StartConsent(ctx context.Context, f *Flow, skip bool, authenticatedAt time.Time) error {
	c, err := s.Random(24)
	if err != nil {
		return err
	}
	_, err = s.Store.update(ctx, "id", f.ID, func(cur *Flow) (map[string]any, error) {
		if cur.State != StateLoginUsed {
			return nil, &gone{to: cur.RequestURL}
		}
		cur.State, cur.ConsentSkip, cur.AuthenticatedAt = StateConsentUnused, skip, authenticatedAt
		*f = *cur
		f.ConsentChallenge = c
		return map[string]any{"consent_challenge": c, "login_session_id": f.LoginSessionID}, nil
	})
	return err
}

// ConsentRequest returns a pending consent request.
func (s *Service) ConsentRequest(ctx context.Context, challenge string) (*Flow, error) {
	f, err := s.live(s.Store.byChallenge(ctx, s.Store.pool, "consent_challenge", challenge, false))
	if err != nil {
		return nil, err
	}
	if f.State != StateConsentUnused {
		return f, &gone{to: f.RequestURL}
	}
	return f, nil
}

// AcceptConsent records the consent app's decision and returns where the
// browser continues: the authorization endpoint with a consent_verifier.
func (s *Service) AcceptConsent(ctx context.Context, challenge string, a AcceptConsent) (string, error) {
	if a.RememberFor < 0 {
		return "", httpx.ErrBadRequest.WithReason("Field remember_for must not be negative.")
	}
	return s.handleConsent(ctx, challenge, func(f *Flow) (map[string]any, error) {
		// Only what was asked can be granted.
		for _, sc := range a.GrantScope {
			if !slices.Contains(f.RequestedScope, sc) {
				return nil, httpx.ErrBadRequest.WithReason("Scope %q was not requested and cannot be granted.", sc)
			}
		}
		for _, au := range a.GrantAccessTokenAudience {
			if !slices.Contains(f.RequestedAudience, au) {
				return nil, httpx.ErrBadRequest.WithReason("Audience %q was not requested and cannot be granted.", au)
			}
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		a.HandledAt = &now
		f.Consent = &a
		set := map[string]any{"consent_remember": a.Remember, "consent_handled_at": now}
		if a.Remember && a.RememberFor > 0 {
			set["consent_remember_until"] = now.Add(time.Duration(a.RememberFor) * time.Second)
		}
		return set, nil
	})
}

// RejectConsent records a refused consent.
func (s *Service) RejectConsent(ctx context.Context, challenge string, r Rejection) (string, error) {
	return s.handleConsent(ctx, challenge, func(f *Flow) (map[string]any, error) {
		r.normalize()
		f.ConsentError = &r
		return nil, nil
	})
}

func (s *Service) handleConsent(ctx context.Context, challenge string, fn func(f *Flow) (map[string]any, error)) (string, error) {
	v, err := s.Random(32)
	if err != nil {
		return "", err
	}
	f, err := s.Store.update(ctx, "consent_challenge", challenge, func(f *Flow) (map[string]any, error) {
		if _, err := s.live(f, nil); err != nil {
			return nil, err
		}
		if f.State != StateConsentUnused {
			return nil, &gone{to: f.RequestURL}
		}
		set, err := fn(f)
		if err != nil {
			return nil, err
		}
		if set == nil {
			set = map[string]any{}
		}
		f.State = StateConsentHandle
		set["consent_verifier"] = Hash(v)
		return set, nil
	})
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return "", errNotFound
		}
		return "", err
	}
	return withParam(f.RequestURL, "consent_verifier", v), nil
}

// ConsumeConsent takes the consent verifier the browser brought back.
func (s *Service) ConsumeConsent(ctx context.Context, verifier, csrf string) (*Flow, error) {
	f, err := s.Store.consume(ctx, "consent_verifier", Hash(verifier), Hash(csrf), StateConsentHandle, StateConsentUsed, s.Now())
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errNotFound
	}
	return f, err
}

// RememberedConsent returns the newest remembered, unexpired consent of
// subject for client, or nil.
func (s *Service) RememberedConsent(ctx context.Context, subject, clientID string) (*AcceptConsent, error) {
	var raw []byte
	err := s.Store.pool.QueryRow(ctx, `SELECT data FROM oauth2_flows
		WHERE subject = $1 AND client_id = $2 AND state = $3 AND consent_remember AND consent_handled_at IS NOT NULL
		AND (consent_remember_until IS NULL OR consent_remember_until > $4)
		ORDER BY consent_handled_at DESC LIMIT 1`, subject, clientID, StateConsentUsed, s.Now()).Scan(&raw)
	if errors.Is(storage.Translate(err), storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var d data
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	return d.Consent, nil
}

// ConsentSessions lists the subject's granted consents, newest first.
func (s *Service) ConsentSessions(ctx context.Context, subject, loginSessionID string, limit, offset int) ([]ConsentSessionView, error) {
	rows, err := s.Store.pool.Query(ctx, selectFlow+`
		WHERE f.subject = $1 AND f.state = $2 AND f.consent_handled_at IS NOT NULL AND ($3 = '' OR f.login_session_id = $3)
		ORDER BY f.consent_handled_at DESC LIMIT $4 OFFSET $5`, subject, StateConsentUsed, loginSessionID, limit, offset)
	if err != nil {
		return nil, storage.Translate(err)
	}
	defer rows.Close()
	out := []ConsentSessionView{}
	for rows.Next() {
		f, err := s.Store.scan(rows)
		if err != nil {
			return nil, err
		}
		if f.Consent == nil {
			continue
		}
		v := ConsentSessionView{
			ConsentRequest: ConsentRequestOf(f), GrantScope: nonNil(f.Consent.GrantScope),
			GrantAccessTokenAudience: nonNil(f.Consent.GrantAccessTokenAudience), Session: f.Consent.Session,
			Remember: f.Consent.Remember, RememberFor: f.Consent.RememberFor, Context: f.Consent.Context,
		}
		if f.Consent.HandledAt != nil {
			v.HandledAt = *f.Consent.HandledAt
		}
		out = append(out, v)
	}
	return out, storage.Translate(rows.Err())
}

// RevokeConsentSessions forgets the subject's consents (for one client, or
// all) and revokes every token they granted.
func (s *Service) RevokeConsentSessions(ctx context.Context, subject, clientID string) error {
	var ids []string
	err := storage.InTx(ctx, s.Store.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `DELETE FROM oauth2_flows WHERE subject = $1 AND ($2 = '' OR client_id = $2)
			AND consent_handled_at IS NOT NULL RETURNING id`, subject, clientID)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil || len(ids) == 0 {
		return err
	}
	return s.Tokens.RevokeFlows(ctx, ids)
}

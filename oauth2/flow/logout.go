package flow

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/oauth2/client"
)

// Logout is an RP- or browser-initiated logout waiting for the logout app.
type Logout struct {
	Challenge   string
	State       string
	Subject     string
	SessionID   string
	Client      *client.Client
	RequestedAt time.Time
	ExpiresAt   time.Time
	logoutData
}

type logoutData struct {
	RequestURL            string `json:"request_url"`
	RPInitiated           bool   `json:"rp_initiated"`
	PostLogoutRedirectURI string `json:"post_logout_redirect_uri,omitempty"`
	// ClientState is the RP's state parameter, returned on redirect.
	ClientState string `json:"state,omitempty"`
	ClientID    string `json:"client_id,omitempty"`
}

// Logout states.
const (
	LogoutUnused   = "unused"
	LogoutAccepted = "accepted"
	LogoutRejected = "rejected"
	LogoutUsed     = "used"
)

// NewLogout stores a logout request and returns its challenge.
func (s *Service) NewLogout(ctx context.Context, l *Logout) error {
	c, err := s.Random(24)
	if err != nil {
		return err
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	l.Challenge, l.State, l.RequestedAt, l.ExpiresAt = c, LogoutUnused, now, now.Add(s.TTL)
	raw, err := json.Marshal(&l.logoutData)
	if err != nil {
		return err
	}
	var cid *string
	if l.Client != nil {
		cid = &l.Client.ID
	}
	_, err = s.Store.pool.Exec(ctx, `INSERT INTO oauth2_logout_requests (challenge, state, subject, sid, client_id, requested_at, expires_at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c, l.State, l.Subject, l.SessionID, cid, now, l.ExpiresAt, raw)
	return storage.Translate(err)
}

func (s *Service) scanLogout(ctx context.Context, row pgx.Row) (*Logout, error) {
	var (
		l   Logout
		raw []byte
	)
	if err := row.Scan(&l.Challenge, &l.State, &l.Subject, &l.SessionID, &l.RequestedAt, &l.ExpiresAt, &raw); err != nil {
		return nil, storage.Translate(err)
	}
	if err := json.Unmarshal(raw, &l.logoutData); err != nil {
		return nil, err
	}
	if l.ClientID != "" {
		c, err := s.Store.clients.Get(ctx, l.ClientID)
		if err == nil {
			l.Client = c
		}
	}
	return &l, nil
}

const selectLogout = `SELECT challenge, state, subject, sid, requested_at, expires_at, data FROM oauth2_logout_requests`

// LogoutRequest returns a pending logout request.
func (s *Service) LogoutRequest(ctx context.Context, challenge string) (*Logout, error) {
	l, err := s.scanLogout(ctx, s.Store.pool.QueryRow(ctx, selectLogout+` WHERE challenge = $1`, challenge))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !l.ExpiresAt.After(s.Now())) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if l.State != LogoutUnused {
		return l, &gone{to: l.RequestURL}
	}
	return l, nil
}

// LogoutRequestOf renders l as Hydra's logout request.
func LogoutRequestOf(l *Logout) *LogoutRequest {
	r := &LogoutRequest{Challenge: l.Challenge, Subject: l.Subject, SessionID: l.SessionID, RequestURL: l.RequestURL,
		RPInitiated: l.RPInitiated, RequestedAt: l.RequestedAt, ExpiresAt: l.ExpiresAt}
	if l.Client != nil {
		r.Client = l.Client.Public()
	}
	return r
}

// AcceptLogout accepts a logout; the browser continues at the logout
// endpoint with a verifier.
func (s *Service) AcceptLogout(ctx context.Context, challenge string) (string, error) {
	v, err := s.Random(32)
	if err != nil {
		return "", err
	}
	tag, err := s.Store.pool.Exec(ctx, `UPDATE oauth2_logout_requests SET state = $2, verifier = $3
		WHERE challenge = $1 AND state = $4 AND expires_at > $5`, challenge, LogoutAccepted, Hash(v), LogoutUnused, s.Now())
	if err != nil {
		return "", storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		if _, err := s.LogoutRequest(ctx, challenge); err != nil {
			return "", err
		}
		return "", errNotFound
	}
	return s.PublicURL + "oauth2/sessions/logout?logout_verifier=" + v, nil
}

// RejectLogout refuses a logout: the person stays signed in.
func (s *Service) RejectLogout(ctx context.Context, challenge string) error {
	tag, err := s.Store.pool.Exec(ctx, `UPDATE oauth2_logout_requests SET state = $2
		WHERE challenge = $1 AND state = $3 AND expires_at > $4`, challenge, LogoutRejected, LogoutUnused, s.Now())
	if err != nil {
		return storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		if _, err := s.LogoutRequest(ctx, challenge); err != nil {
			return err
		}
		return errNotFound
	}
	return nil
}

// ConsumeLogout takes an accepted logout's verifier, once.
func (s *Service) ConsumeLogout(ctx context.Context, verifier string) (*Logout, error) {
	l, err := s.scanLogout(ctx, s.Store.pool.QueryRow(ctx, `UPDATE oauth2_logout_requests SET state = $2
		WHERE verifier = $1 AND state = $3 AND expires_at > $4
		RETURNING challenge, state, subject, sid, requested_at, expires_at, data`, Hash(verifier), LogoutUsed, LogoutAccepted, s.Now()))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errNotFound
	}
	return l, err
}

// SessionClients returns the clients the login session sid consented to:
// who must hear about its logout.
func (s *Service) SessionClients(ctx context.Context, sid string) ([]*client.Client, error) {
	rows, err := s.Store.pool.Query(ctx, `SELECT DISTINCT client_id FROM oauth2_flows
		WHERE login_session_id = $1 AND consent_handled_at IS NOT NULL`, sid)
	if err != nil {
		return nil, storage.Translate(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, storage.Translate(err)
	}
	var out []*client.Client
	for _, id := range ids {
		if c, err := s.Store.clients.Get(ctx, id); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

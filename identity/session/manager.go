package session

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Errors of session resolution.
var (
	// ErrNoSession: no token, a malformed or unknown token, or a revoked
	// or expired session, or one whose identity is inactive or gone. The
	// causes are not told apart to callers.
	ErrNoSession = errors.New("no valid session")
	// ErrAAL2Required: the session is valid but session.whoami.required_aal
	// is highest_available and the identity has a second factor the
	// session did not use.
	ErrAAL2Required = errors.New("a higher authenticator assurance level is required")
)

// RequiredAAL values (session.whoami.required_aal).
const (
	RequireAAL1             = "aal1"
	RequireHighestAvailable = "highest_available"
)

// Config builds a Manager.
type Config struct {
	Pool *pgxpool.Pool
	// Lifespan of new sessions (session.lifespan, default 24h).
	Lifespan time.Duration
	// EarliestPossibleExtend: an extension only takes effect once the
	// session expires within this window; zero means any time.
	EarliestPossibleExtend time.Duration
	// RequiredAAL is RequireAAL1 or RequireHighestAvailable (default).
	RequiredAAL string
	Cookie      CookieConfig
	// PublicBaseURL is the public listener's URL: schema_url in identities,
	// redirect_browser_to in AAL errors.
	PublicBaseURL string
	// Now and Rand default to time.Now and crypto/rand.
	Now  func() time.Time
	Rand io.Reader
}

// Manager issues, resolves, lists, extends and revokes sessions.
type Manager struct {
	pool        *pgxpool.Pool
	lookups     *coalescer
	lifespan    time.Duration
	extendAfter time.Duration
	requireAAL  string
	cookie      CookieConfig
	baseURL     string
	now         func() time.Time
	rand        io.Reader
}

// New returns a Manager.
func New(c Config) *Manager {
	m := &Manager{pool: c.Pool, lookups: newCoalescer(c.Pool), lifespan: c.Lifespan, extendAfter: c.EarliestPossibleExtend, requireAAL: c.RequiredAAL,
		cookie: c.Cookie, baseURL: trimSlash(c.PublicBaseURL), now: c.Now, rand: c.Rand}
	if m.lifespan <= 0 {
		m.lifespan = 24 * time.Hour
	}
	if m.requireAAL == "" {
		m.requireAAL = RequireHighestAvailable
	}
	if m.cookie.Name == "" {
		m.cookie.Name = DefaultCookieName
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.rand == nil {
		m.rand = rand.Reader
	}
	return m
}

func (m *Manager) timestamp() time.Time { return m.now().UTC().Truncate(time.Microsecond) }

// Lifespan returns the configured session lifespan.
func (m *Manager) Lifespan() time.Duration { return m.lifespan }

// DeviceInfo describes the client a session is issued to.
type DeviceInfo struct {
	IPAddress string
	UserAgent string
	Location  string
}

// DeviceFromRequest reads the client address (resolved by the listener's
// trusted-proxy rules), the User-Agent, and the location a CDN in front
// states (Cloudflare's CF-IPCity / CF-IPCountry), as Kratos records them.
func DeviceFromRequest(r *http.Request, clientIP string) DeviceInfo {
	d := DeviceInfo{IPAddress: clientIP, UserAgent: r.UserAgent()}
	city, country := r.Header.Get("Cf-Ipcity"), r.Header.Get("Cf-Ipcountry")
	switch {
	case city != "" && country != "":
		d.Location = city + ", " + country
	default:
		d.Location = city + country
	}
	return d
}

// IssueParams describes a completed authentication.
type IssueParams struct {
	IdentityID uuid.UUID
	// Methods completed (at least one). AAL follows from them unless set.
	Methods []AuthenticationMethod
	AAL     identity.AAL
	Device  DeviceInfo
	// AuthenticatedAt defaults to now.
	AuthenticatedAt time.Time
}

// Issue creates a session and returns it with its token. The token is
// returned once and only its hash is stored.
func (m *Manager) Issue(ctx context.Context, p IssueParams) (*Session, string, error) {
	now := m.timestamp()
	token, h, err := newToken(m.rand, TokenPrefix)
	if err != nil {
		return nil, "", err
	}
	s := &Session{
		ID: newID(m.rand), IdentityID: p.IdentityID, Active: true, AAL: p.AAL, Methods: p.Methods,
		IssuedAt: now, AuthenticatedAt: p.AuthenticatedAt, ExpiresAt: now.Add(m.lifespan),
		CreatedAt: now, UpdatedAt: now, IdentityActive: true,
	}
	if s.AuthenticatedAt.IsZero() {
		s.AuthenticatedAt = now
	}
	s.AuthenticatedAt = s.AuthenticatedAt.UTC().Truncate(time.Microsecond)
	for k := range s.Methods {
		if s.Methods[k].CompletedAt.IsZero() {
			s.Methods[k].CompletedAt = now
		}
		s.Methods[k].CompletedAt = s.Methods[k].CompletedAt.UTC().Truncate(time.Microsecond)
	}
	if s.Methods == nil {
		s.Methods = []AuthenticationMethod{}
	}
	if s.AAL == "" {
		s.AAL = aalOf(s.Methods)
	}
	s.Devices = []Device{newDevice(m.rand, p.Device)}
	_, err = m.pool.Exec(ctx, `INSERT INTO sessions (id, token_hash, identity_id, active, aal, authentication_methods, devices,
		issued_at, authenticated_at, expires_at, created_at, updated_at)
		VALUES ($1, $2, $3, true, $4, $5, $6, $7, $8, $9, $10, $10)`,
		s.ID, h, s.IdentityID, s.AAL, mustJSON(s.Methods), mustJSON(s.Devices), s.IssuedAt, s.AuthenticatedAt, s.ExpiresAt, now)
	if err != nil {
		err = storage.Translate(err)
		if errors.Is(err, storage.ErrConflict) {
			// The foreign key: the identity does not exist (any more).
			return nil, "", storage.ErrNotFound
		}
		return nil, "", err
	}
	return s, token, nil
}

func newDevice(rnd io.Reader, d DeviceInfo) Device {
	dev := Device{ID: newID(rnd)}
	if d.IPAddress != "" {
		dev.IPAddress = &d.IPAddress
	}
	if d.UserAgent != "" {
		ua := d.UserAgent
		if len(ua) > 512 {
			ua = ua[:512]
		}
		dev.UserAgent = &ua
	}
	if d.Location != "" {
		dev.Location = &d.Location
	}
	return dev
}

// Revoke deactivates one session. Unknown ids are storage.ErrNotFound.
func (m *Manager) Revoke(ctx context.Context, id uuid.UUID) error {
	tag, err := m.pool.Exec(ctx, `UPDATE sessions SET active = false, updated_at = $2 WHERE id = $1`, id, m.timestamp())
	if err != nil {
		return storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		return storage.ErrNotFound
	}
	return nil
}

// RevokeOwned deactivates session id only if it belongs to identityID
// (the public DELETE /sessions/{id}).
func (m *Manager) RevokeOwned(ctx context.Context, identityID, id uuid.UUID) error {
	tag, err := m.pool.Exec(ctx, `UPDATE sessions SET active = false, updated_at = $3 WHERE id = $1 AND identity_id = $2 AND active`,
		id, identityID, m.timestamp())
	if err != nil {
		return storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		return storage.ErrNotFound
	}
	return nil
}

// RevokeByToken deactivates the session a token belongs to (API logout).
func (m *Manager) RevokeByToken(ctx context.Context, token string) error {
	if !wellFormed(token, TokenPrefix) {
		return ErrNoSession
	}
	tag, err := m.pool.Exec(ctx, `UPDATE sessions SET active = false, updated_at = $2 WHERE token_hash = $1 AND active`,
		hashToken(token), m.timestamp())
	if err != nil {
		return storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNoSession
	}
	return nil
}

// RevokeAll deactivates every active session of identityID except keep
// (uuid.Nil keeps none) and returns how many it revoked.
func (m *Manager) RevokeAll(ctx context.Context, identityID, keep uuid.UUID) (int, error) {
	tag, err := m.pool.Exec(ctx, `UPDATE sessions SET active = false, updated_at = $3
		WHERE identity_id = $1 AND id <> $2 AND active AND expires_at > $3`, identityID, keep, m.timestamp())
	if err != nil {
		return 0, storage.Translate(err)
	}
	return int(tag.RowsAffected()), nil
}

// Extend moves an active session's expiry to now + lifespan, unless
// session.earliest_possible_extend is set and the session does not expire
// within it yet (then nothing changes). Inactive or expired sessions are
// storage.ErrNotFound.
func (m *Manager) Extend(ctx context.Context, id uuid.UUID) (*Session, error) {
	now := m.timestamp()
	_, err := m.pool.Exec(ctx, `UPDATE sessions SET expires_at = $2, updated_at = $3
		WHERE id = $1 AND active AND expires_at > $3 AND ($4 OR expires_at <= $5)`,
		id, now.Add(m.lifespan), now, m.extendAfter == 0, now.Add(m.extendAfter))
	if err != nil {
		return nil, storage.Translate(err)
	}
	s, err := m.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.IsActive(now) {
		return nil, storage.ErrNotFound
	}
	return s, nil
}

// NewLogoutToken creates a logout token for a session (for browser logout
// URLs); an earlier one stops working.
func (m *Manager) NewLogoutToken(ctx context.Context, id uuid.UUID) (string, error) {
	t, h, err := newToken(m.rand, LogoutTokenPrefix)
	if err != nil {
		return "", err
	}
	tag, err := m.pool.Exec(ctx, `UPDATE sessions SET logout_token_hash = $2 WHERE id = $1 AND active`, id, h)
	if err != nil {
		return "", storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		return "", storage.ErrNotFound
	}
	return t, nil
}

// RevokeByLogoutToken deactivates the session a logout token belongs to,
// provided it belongs to identityID, and returns the session id.
func (m *Manager) RevokeByLogoutToken(ctx context.Context, identityID uuid.UUID, token string) (uuid.UUID, error) {
	if !wellFormed(token, LogoutTokenPrefix) {
		return uuid.Nil, ErrNoSession
	}
	var id uuid.UUID
	err := m.pool.QueryRow(ctx, `UPDATE sessions SET active = false, logout_token_hash = NULL, updated_at = $3
		WHERE logout_token_hash = $1 AND identity_id = $2 RETURNING id`, hashToken(token), identityID, m.timestamp()).Scan(&id)
	if err != nil {
		if errors.Is(storage.Translate(err), storage.ErrNotFound) {
			return uuid.Nil, ErrNoSession
		}
		return uuid.Nil, storage.Translate(err)
	}
	return id, nil
}

func newID(rnd io.Reader) uuid.UUID {
	id, err := uuid.NewRandomFromReader(rnd)
	if err != nil {
		panic("session: reading randomness: " + err.Error())
	}
	return id
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

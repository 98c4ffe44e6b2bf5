package session

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

const (
	sessionColumns = `s.id, s.identity_id, s.active, s.aal, s.authentication_methods, s.devices,
	s.issued_at, s.authenticated_at, s.expires_at, s.created_at, s.updated_at,
	i.state = 'active', i.schema_id, i.available_aal, i.document`
	sessionFrom   = ` FROM sessions s JOIN identities i ON i.id = s.identity_id`
	selectSession = `SELECT ` + sessionColumns + sessionFrom
)

// scanRaw reads a selectSession row, leaving the methods and devices as
// the JSON they are stored as (whoami copies them out unparsed).
func scanRaw(row pgx.Row) (*Session, []byte, []byte, error) { return scanRawWith(row) }

// scanRawWith scans extra leading columns into lead, then the session.
func scanRawWith(row pgx.Row, lead ...any) (*Session, []byte, []byte, error) {
	var (
		s                Session
		methods, devices []byte
	)
	dst := append(lead, &s.ID, &s.IdentityID, &s.Active, &s.AAL, &methods, &devices,
		&s.IssuedAt, &s.AuthenticatedAt, &s.ExpiresAt, &s.CreatedAt, &s.UpdatedAt,
		&s.IdentityActive, &s.schemaID, &s.availableAAL, &s.identityDoc)
	if err := row.Scan(dst...); err != nil {
		return nil, nil, nil, err
	}
	utcTimes(&s)
	return &s, methods, devices, nil
}

func scanSession(row pgx.Row) (*Session, error) {
	s, methods, devices, err := scanRaw(row)
	if err != nil {
		return nil, storage.Translate(err)
	}
	if err := decodeLists(s, methods, devices); err != nil {
		return nil, fmt.Errorf("decoding session %s: %w", s.ID, err)
	}
	return s, nil
}

// Get returns a session by id, active or not, with its identity.
func (m *Manager) Get(ctx context.Context, id uuid.UUID) (*Session, error) {
	return scanSession(m.pool.QueryRow(ctx, selectSession+` WHERE s.id = $1`, id))
}

// ListParams selects a page of sessions.
type ListParams struct {
	// IdentityID limits the list to one identity's sessions.
	IdentityID uuid.UUID
	// Active: nil lists all, true only usable sessions, false only
	// revoked or expired ones.
	Active *bool
	// Except leaves one session out (the caller's own, for GET /sessions).
	Except uuid.UUID
	After  uuid.UUID
	Size   int
}

// List returns a page of sessions in id order and whether more follow.
func (m *Manager) List(ctx context.Context, p ListParams) ([]*Session, bool, error) {
	if p.Size <= 0 {
		p.Size = 250
	}
	sql := selectSession + ` WHERE s.id > $1 AND s.id <> $2`
	args := []any{p.After, p.Except}
	if p.IdentityID != uuid.Nil {
		args = append(args, p.IdentityID)
		sql += fmt.Sprintf(` AND s.identity_id = $%d`, len(args))
	}
	if p.Active != nil {
		args = append(args, m.timestamp())
		cond := fmt.Sprintf(`(s.active AND s.expires_at > $%d AND i.state = 'active')`, len(args))
		if *p.Active {
			sql += ` AND ` + cond
		} else {
			sql += ` AND NOT ` + cond
		}
	}
	sql += fmt.Sprintf(` ORDER BY s.id LIMIT %d`, p.Size+1)
	rows, err := m.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, false, storage.Translate(err)
	}
	defer rows.Close()
	var out []*Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, false, storage.Translate(err)
	}
	more := len(out) > p.Size
	if more {
		out = out[:p.Size]
	}
	return out, more, nil
}

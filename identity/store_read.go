package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

// selectIdentity loads an identity with its credentials, identifiers and
// addresses in one query: each child list comes back as a JSON array from a
// correlated subselect, so a page of identities costs one round trip.
const selectIdentity = `SELECT i.id, i.schema_id, i.state, i.state_changed_at, i.traits, i.metadata_public, i.metadata_admin,
	i.available_aal, i.organization_id, i.created_at, i.updated_at,
	COALESCE((SELECT json_agg(json_build_object(
			'id', c.id, 'type', c.type, 'config', c.config, 'version', c.version,
			'created_at', c.created_at, 'updated_at', c.updated_at,
			'identifiers', COALESCE((SELECT json_agg(ci.identifier ORDER BY ci.identifier)
				FROM identity_credential_identifiers ci WHERE ci.credential_id = c.id), '[]'::json)) ORDER BY c.type)
		FROM identity_credentials c WHERE c.identity_id = i.id), '[]'::json),
	COALESCE((SELECT json_agg(json_build_object(
			'id', va.id, 'value', va.value, 'verified', va.verified, 'via', va.via, 'status', va.status,
			'verified_at', va.verified_at, 'created_at', va.created_at, 'updated_at', va.updated_at)
			ORDER BY va.created_at, va.value)
		FROM identity_verifiable_addresses va WHERE va.identity_id = i.id), '[]'::json),
	COALESCE((SELECT json_agg(json_build_object(
			'id', ra.id, 'value', ra.value, 'via', ra.via, 'created_at', ra.created_at, 'updated_at', ra.updated_at)
			ORDER BY ra.created_at, ra.value)
		FROM identity_recovery_addresses ra WHERE ra.identity_id = i.id), '[]'::json)
FROM identities i`

type credentialRow struct {
	ID          uuid.UUID       `json:"id"`
	Type        CredentialType  `json:"type"`
	Config      json.RawMessage `json:"config"`
	Version     int             `json:"version"`
	Identifiers []string        `json:"identifiers"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

func scanIdentity(row pgx.Row) (*Identity, error) {
	var (
		i                      Identity
		traits, mpub, madm     []byte
		creds, verif, recovery []byte
	)
	if err := row.Scan(&i.ID, &i.SchemaID, &i.State, &i.StateChangedAt, &traits, &mpub, &madm,
		&i.AvailableAAL, &i.OrganizationID, &i.CreatedAt, &i.UpdatedAt, &creds, &verif, &recovery); err != nil {
		return nil, storage.Translate(err)
	}
	i.Traits, i.MetadataPublic, i.MetadataAdmin = traits, mpub, madm
	var rows []credentialRow
	if err := json.Unmarshal(creds, &rows); err != nil {
		return nil, fmt.Errorf("decoding credentials: %w", err)
	}
	if len(rows) > 0 {
		i.Credentials = make(map[CredentialType]*Credential, len(rows))
	}
	for _, r := range rows {
		i.Credentials[r.Type] = &Credential{ID: r.ID, Type: r.Type, Identifiers: r.Identifiers, Config: r.Config,
			Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	}
	if err := json.Unmarshal(verif, &i.VerifiableAddresses); err != nil {
		return nil, fmt.Errorf("decoding verifiable addresses: %w", err)
	}
	if err := json.Unmarshal(recovery, &i.RecoveryAddresses); err != nil {
		return nil, fmt.Errorf("decoding recovery addresses: %w", err)
	}
	utc(&i)
	return &i, nil
}

// utc puts every timestamp in UTC so JSON output reads "…Z" whatever the
// database session's time zone.
func utc(i *Identity) {
	i.CreatedAt, i.UpdatedAt = i.CreatedAt.UTC(), i.UpdatedAt.UTC()
	if i.StateChangedAt != nil {
		t := i.StateChangedAt.UTC()
		i.StateChangedAt = &t
	}
	for k := range i.VerifiableAddresses {
		a := &i.VerifiableAddresses[k]
		a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
		if a.VerifiedAt != nil {
			t := a.VerifiedAt.UTC()
			a.VerifiedAt = &t
		}
	}
	for k := range i.RecoveryAddresses {
		a := &i.RecoveryAddresses[k]
		a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	}
}

// get loads one identity; forUpdate locks its row for the transaction.
func (s *store) get(ctx context.Context, q querier, id uuid.UUID, forUpdate bool) (*Identity, error) {
	sql := selectIdentity + ` WHERE i.id = $1`
	if forUpdate {
		sql += ` FOR UPDATE OF i`
	}
	return scanIdentity(q.QueryRow(ctx, sql, id))
}

// ListFilter selects identities; at most one filter may be set.
type ListFilter struct {
	// IDs returns exactly these identities.
	IDs []uuid.UUID
	// CredentialIdentifier matches an identifier of any credential type,
	// exactly as given or in its normalised form.
	CredentialIdentifier string
}

// list returns up to limit identities with id > after, in id order.
func (s *store) list(ctx context.Context, f ListFilter, after uuid.UUID, limit int) ([]*Identity, error) {
	sql := selectIdentity + ` WHERE i.id > $1`
	args := []any{after}
	switch {
	case len(f.IDs) > 0:
		sql += ` AND i.id = ANY($2)`
		args = append(args, f.IDs)
	case f.CredentialIdentifier != "":
		sql += ` AND i.id IN (SELECT identity_id FROM identity_credential_identifiers WHERE identifier = $2 OR identifier = $3)`
		args = append(args, f.CredentialIdentifier, foldText(f.CredentialIdentifier))
	}
	sql += fmt.Sprintf(` ORDER BY i.id LIMIT %d`, limit)
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, storage.Translate(err)
	}
	defer rows.Close()
	var out []*Identity
	for rows.Next() {
		i, err := scanIdentity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, storage.Translate(rows.Err())
}

// findByIdentifier loads the identity holding identifier (already
// normalised) for credential type t.
func (s *store) findByIdentifier(ctx context.Context, t CredentialType, identifier string) (*Identity, error) {
	return scanIdentity(s.pool.QueryRow(ctx, selectIdentity+
		` WHERE i.id = (SELECT identity_id FROM identity_credential_identifiers WHERE type = $1 AND identifier = $2)`,
		t, identifier))
}

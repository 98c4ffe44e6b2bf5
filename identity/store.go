package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

// querier is what both a pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// store is the Postgres store of identities; one file per concern:
// this one writes, store_read.go reads.
type store struct {
	pool *pgxpool.Pool
}

// insert writes a new identity and everything it owns in one round trip.
func (s *store) insert(ctx context.Context, q querier, i *Identity) error {
	doc, err := i.document()
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO identities (id, schema_id, state, state_changed_at, traits, metadata_public, metadata_admin,
		available_aal, organization_id, document, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		i.ID, i.SchemaID, i.State, i.StateChangedAt, []byte(i.Traits), nullJSON(i.MetadataPublic), nullJSON(i.MetadataAdmin),
		i.AvailableAAL, i.OrganizationID, doc, i.CreatedAt, i.UpdatedAt)
	queueChildren(b, i)
	return sendBatch(ctx, q, b)
}

// replace rewrites an identity and its children; the caller holds the row
// lock (SELECT … FOR UPDATE) in the same transaction.
func (s *store) replace(ctx context.Context, q querier, i *Identity, deactivated bool) error {
	doc, err := i.document()
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`UPDATE identities SET schema_id = $2, state = $3, state_changed_at = $4, traits = $5, metadata_public = $6,
		metadata_admin = $7, available_aal = $8, organization_id = $9, document = $10, updated_at = $11 WHERE id = $1`,
		i.ID, i.SchemaID, i.State, i.StateChangedAt, []byte(i.Traits), nullJSON(i.MetadataPublic), nullJSON(i.MetadataAdmin),
		i.AvailableAAL, i.OrganizationID, doc, i.UpdatedAt)
	b.Queue(`DELETE FROM identity_credentials WHERE identity_id = $1`, i.ID)
	b.Queue(`DELETE FROM identity_verifiable_addresses WHERE identity_id = $1`, i.ID)
	b.Queue(`DELETE FROM identity_recovery_addresses WHERE identity_id = $1`, i.ID)
	queueChildren(b, i)
	if deactivated {
		// "Inactive identities lose their sessions at once": whoami also
		// checks the state, this makes it permanent should the identity be
		// activated again.
		b.Queue(`UPDATE sessions SET active = false, updated_at = $2 WHERE identity_id = $1 AND active`, i.ID, i.UpdatedAt)
	}
	return sendBatch(ctx, q, b)
}

func queueChildren(b *pgx.Batch, i *Identity) {
	for _, c := range i.Credentials {
		b.Queue(`INSERT INTO identity_credentials (id, identity_id, type, config, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.ID, i.ID, c.Type, []byte(c.Config), c.Version, c.CreatedAt, c.UpdatedAt)
		for _, ident := range c.Identifiers {
			b.Queue(`INSERT INTO identity_credential_identifiers (id, credential_id, identity_id, type, identifier, created_at)
				VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)`, c.ID, i.ID, c.Type, ident, c.UpdatedAt)
		}
	}
	for _, a := range i.VerifiableAddresses {
		b.Queue(`INSERT INTO identity_verifiable_addresses (id, identity_id, via, value, verified, verified_at, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, a.ID, i.ID, a.Via, a.Value, a.Verified, a.VerifiedAt, a.Status, a.CreatedAt, a.UpdatedAt)
	}
	for _, a := range i.RecoveryAddresses {
		b.Queue(`INSERT INTO identity_recovery_addresses (id, identity_id, via, value, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, i.ID, a.Via, a.Value, a.CreatedAt, a.UpdatedAt)
	}
}

func sendBatch(ctx context.Context, q querier, b *pgx.Batch) error {
	br := q.SendBatch(ctx, b)
	for range b.Len() {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return translateWrite(err)
		}
	}
	return translateWrite(br.Close())
}

// ConflictError says which kind of value another identity already holds.
type ConflictError struct {
	// What is "identifier", "verifiable_address" or "recovery_address".
	What string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("another identity already has this %s", e.What)
}

// Is makes errors.Is(err, storage.ErrAlreadyExists) true.
func (e *ConflictError) Is(target error) bool { return target == storage.ErrAlreadyExists }

func translateWrite(err error) error {
	err = storage.Translate(err)
	var c *storage.Constraint
	if errors.As(err, &c) && errors.Is(err, storage.ErrAlreadyExists) {
		switch c.Name {
		case "identity_credential_identifiers_type_identifier_key":
			return &ConflictError{What: "identifier"}
		case "identity_verifiable_addresses_via_value_key":
			return &ConflictError{What: "verifiable_address"}
		case "identity_recovery_addresses_via_value_key":
			return &ConflictError{What: "recovery_address"}
		}
	}
	return err
}

// delete removes an identity; credentials, addresses and sessions go with
// it (ON DELETE CASCADE).
func (s *store) delete(ctx context.Context, id uuid.UUID) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM identities WHERE id = $1`, id)
	if err != nil {
		return storage.Translate(err)
	}
	if tag.RowsAffected() == 0 {
		return storage.ErrNotFound
	}
	return nil
}

func nullJSON(b json.RawMessage) []byte {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return b
}

package identity

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/identity/hash"
	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// Config builds a Service.
type Config struct {
	Pool    *pgxpool.Pool
	Schemas *schema.Registry
	Hasher  *hash.Hasher
	// PublicBaseURL is where /schemas/{id} is served (schema_url).
	PublicBaseURL string
	// Now and Rand default to time.Now and crypto/rand.
	Now  func() time.Time
	Rand io.Reader
}

// Service is the identity head's Go API: every identity read and write of
// every head goes through it, so schema validation, identifier uniqueness
// and address derivation hold no matter who writes.
type Service struct {
	store   *store
	schemas *schema.Registry
	hasher  *hash.Hasher
	baseURL string
	now     func() time.Time
	rand    io.Reader
}

// New returns a Service.
func New(c Config) *Service {
	s := &Service{store: &store{pool: c.Pool}, schemas: c.Schemas, hasher: c.Hasher, baseURL: c.PublicBaseURL, now: c.Now, rand: c.Rand}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	return s
}

// Schemas returns the schema registry.
func (s *Service) Schemas() *schema.Registry { return s.schemas }

// Hasher returns the password hasher.
func (s *Service) Hasher() *hash.Hasher { return s.hasher }

// SchemaURL returns the public URL of the schema with id.
func (s *Service) SchemaURL(schemaID string) string { return SchemaURL(s.baseURL, schemaID) }

// timestamp is "now" at the precision Postgres keeps, so what is returned
// after a write equals what a later read returns.
func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// PasswordInput sets a password credential: a plaintext Password (hashed
// here with the configured hasher) or an imported HashedPassword in any
// format identity/hash verifies.
type PasswordInput struct {
	Password       string
	HashedPassword string
}

// CreateParams describes a new identity.
type CreateParams struct {
	// SchemaID defaults to identity.default_schema_id.
	SchemaID       string
	Traits         json.RawMessage
	State          State // default active
	MetadataPublic json.RawMessage
	MetadataAdmin  json.RawMessage
	// VerifiableAddresses may carry imported verification state for
	// addresses the traits produce; others are ignored.
	VerifiableAddresses []VerifiableAddress
	RecoveryAddresses   []RecoveryAddress
	Password            *PasswordInput
	OIDC                []OIDCProvider
	// Credentials of other types (totp, webauthn, lookup_secret, ...) as
	// the self-service strategies build them.
	Credentials    []*Credential
	OrganizationID *uuid.UUID
}

// Create validates and stores a new identity. Two concurrent creates with
// a shared identifier or address: exactly one succeeds, the other returns a
// *ConflictError (errors.Is storage.ErrAlreadyExists).
func (s *Service) Create(ctx context.Context, p CreateParams) (*Identity, error) {
	i, err := s.build(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := storage.InTx(ctx, s.store.pool, func(tx pgx.Tx) error { return s.store.insert(ctx, tx, i) }); err != nil {
		return nil, translateWrite(err)
	}
	return i, nil
}

// build turns params into a validated identity ready to insert. Password
// hashing happens here, outside any transaction.
func (s *Service) build(ctx context.Context, p CreateParams) (*Identity, error) {
	now := s.timestamp()
	i := &Identity{
		ID: newID(s.rand), SchemaID: p.SchemaID, State: p.State,
		Traits: p.Traits, MetadataPublic: p.MetadataPublic, MetadataAdmin: p.MetadataAdmin,
		VerifiableAddresses: p.VerifiableAddresses, RecoveryAddresses: p.RecoveryAddresses,
		OrganizationID: p.OrganizationID, CreatedAt: now, UpdatedAt: now,
	}
	if i.SchemaID == "" {
		i.SchemaID = s.schemas.Default().ID
	}
	if i.State == "" {
		i.State = StateActive
	}
	i.StateChangedAt = &now
	for k := range i.VerifiableAddresses {
		i.VerifiableAddresses[k].ID = uuid.Nil // ids are ours to assign
	}
	for k := range i.RecoveryAddresses {
		i.RecoveryAddresses[k].ID = uuid.Nil
	}
	for _, c := range p.Credentials {
		i.SetCredential(c)
	}
	if err := s.applyCredentialInput(ctx, i, p.Password, p.OIDC); err != nil {
		return nil, err
	}
	if err := s.prepare(i); err != nil {
		return nil, err
	}
	return i, nil
}

// applyCredentialInput hashes or checks a password input and merges oidc
// provider links into the identity's credentials.
func (s *Service) applyCredentialInput(ctx context.Context, i *Identity, pw *PasswordInput, oidc []OIDCProvider) error {
	if pw != nil {
		enc, err := s.passwordHash(ctx, pw)
		if err != nil {
			return err
		}
		setPasswordHash(i, enc, s.timestamp())
	}
	if len(oidc) > 0 {
		for k, p := range oidc {
			if p.Provider == "" || p.Subject == "" {
				return inputErr("credentials.oidc.config.providers["+itoa(k)+"]", "provider and subject are required")
			}
		}
		cfg, _ := json.Marshal(OIDCConfig{Providers: oidc})
		c := i.Credential(CredentialOIDC)
		if c == nil {
			c = &Credential{Type: CredentialOIDC}
		}
		c.Config = cfg
		i.SetCredential(c)
	}
	return nil
}

func (s *Service) passwordHash(ctx context.Context, pw *PasswordInput) (string, error) {
	switch {
	case pw.HashedPassword != "" && pw.Password != "":
		return "", inputErr("credentials.password.config", "set either password or hashed_password, not both")
	case pw.HashedPassword != "":
		if _, err := hash.Parse(pw.HashedPassword); err != nil {
			return "", inputErr("credentials.password.config.hashed_password", "%s", describeHashError(err))
		}
		return pw.HashedPassword, nil
	case pw.Password != "":
		enc, err := s.hasher.Hash(ctx, []byte(pw.Password))
		if errors.Is(err, hash.ErrPasswordTooLong) {
			return "", inputErr("credentials.password.config.password", "%v", err)
		}
		return enc, err
	}
	return "", inputErr("credentials.password.config", "password or hashed_password is required")
}

func describeHashError(err error) string {
	var me *hash.MalformedError
	if errors.As(err, &me) {
		return me.Error()
	}
	return "the hash is in no supported format (argon2id, argon2i, bcrypt, pbkdf2, scrypt, firescrypt, salted SHA, LDAP {SSHA}, md5, md5-crypt, sha256-crypt, sha512-crypt, hmac)"
}

func setPasswordHash(i *Identity, encoded string, now time.Time) {
	cfg, _ := json.Marshal(PasswordConfig{HashedPassword: encoded})
	c := i.Credential(CredentialPassword)
	if c == nil {
		c = &Credential{Type: CredentialPassword, CreatedAt: now}
	}
	c.Config = cfg
	c.UpdatedAt = now
	i.SetCredential(c)
}

// prepare validates the traits against the identity's schema and derives
// identifiers, addresses and the available AAL.
func (s *Service) prepare(i *Identity) error {
	sch, err := s.schemas.Get(i.SchemaID)
	if err != nil {
		return ErrUnknownSchema
	}
	if i.State != StateActive && i.State != StateInactive {
		return inputErr("state", "must be active or inactive")
	}
	for field, raw := range map[string]*json.RawMessage{"traits": &i.Traits, "metadata_public": &i.MetadataPublic, "metadata_admin": &i.MetadataAdmin} {
		if len(*raw) == 0 {
			continue
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, *raw); err != nil {
			return inputErr(field, "is not valid JSON")
		}
		*raw = buf.Bytes()
	}
	x, err := sch.Validate(i.Traits)
	if err != nil {
		return err
	}
	if len(i.Traits) == 0 {
		i.Traits = json.RawMessage("{}")
	}
	if err := derive(i, x, i.UpdatedAt, s.rand); err != nil {
		return err
	}
	if c := i.Credential(CredentialPassword); c != nil && len(c.Identifiers) == 0 {
		return inputErr("credentials.password", "schema %q marks no trait as a password identifier, or the trait is empty", i.SchemaID)
	}
	return nil
}

// Get returns the identity with id, credentials included (configs too:
// callers must not hand them out; use AdminView).
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Identity, error) {
	return s.store.get(ctx, s.store.pool, id, false)
}

// Update loads the identity under a row lock, lets fn change it, then
// revalidates, re-derives and stores it in the same transaction. fn must not
// do slow work (hash passwords before calling Update).
func (s *Service) Update(ctx context.Context, id uuid.UUID, fn func(*Identity) error) (*Identity, error) {
	var out *Identity
	err := storage.InTx(ctx, s.store.pool, func(tx pgx.Tx) error {
		i, err := s.store.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		before := i.State
		if err := fn(i); err != nil {
			return err
		}
		i.ID = id
		now := s.timestamp()
		i.UpdatedAt = now
		if i.State != before {
			i.StateChangedAt = &now
		}
		if err := s.prepare(i); err != nil {
			return err
		}
		out = i
		return s.store.replace(ctx, tx, i, before == StateActive && i.State == StateInactive)
	})
	if err != nil {
		return nil, translateWrite(err)
	}
	return out, nil
}

// Delete removes the identity, its credentials and its sessions.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error { return s.store.delete(ctx, id) }

// ListParams selects a page of identities.
type ListParams struct {
	Filter ListFilter
	// After is the last id of the previous page (uuid.Nil for the first).
	After uuid.UUID
	Size  int
}

// List returns a page in id order and whether more follow.
func (s *Service) List(ctx context.Context, p ListParams) ([]*Identity, bool, error) {
	if p.Size <= 0 {
		p.Size = 250
	}
	out, err := s.store.list(ctx, p.Filter, p.After, p.Size+1)
	if err != nil {
		return nil, false, err
	}
	more := len(out) > p.Size
	if more {
		out = out[:p.Size]
	}
	return out, more, nil
}

// FindByIdentifier returns the identity whose credential of type t has
// identifier (normalised here), with that credential.
func (s *Service) FindByIdentifier(ctx context.Context, t CredentialType, identifier string) (*Identity, *Credential, error) {
	i, err := s.store.findByIdentifier(ctx, t, NormalizeIdentifier(t, identifier))
	if err != nil {
		return nil, nil, err
	}
	return i, i.Credential(t), nil
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

package identity

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity/hash"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// VerifyPassword finds the identity by a password identifier and checks the
// password. Unknown identifiers, identities without a password and wrong
// passwords all return ErrInvalidCredentials after the same hashing work,
// so response time does not tell whether an account exists. A right
// password for an inactive identity returns the identity and ErrInactive.
//
// When the stored hash is not what the current hasher configuration would
// produce (an imported bcrypt or pbkdf2 hash, older argon2 parameters), it
// is replaced by a fresh hash of the password that just matched.
func (s *Service) VerifyPassword(ctx context.Context, identifier, password string) (*Identity, error) {
	i, c, err := s.FindByIdentifier(ctx, CredentialPassword, identifier)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, s.absent(ctx, password)
	}
	if err != nil {
		return nil, err
	}
	var cfg PasswordConfig
	if c == nil || json.Unmarshal(c.Config, &cfg) != nil || cfg.HashedPassword == "" {
		return nil, s.absent(ctx, password)
	}
	if err := s.hasher.Verify(ctx, []byte(password), cfg.HashedPassword); err != nil {
		if errors.Is(err, hash.ErrMismatch) {
			return nil, ErrInvalidCredentials
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		slog.WarnContext(ctx, "stored password hash cannot be verified", "identity_id", i.ID, "error", err)
		return nil, ErrInvalidCredentials
	}
	if s.hasher.NeedsRehash(cfg.HashedPassword) {
		if err := s.rehash(ctx, i.ID, password); err != nil {
			// The login itself succeeded; the upgrade is retried next time.
			slog.WarnContext(ctx, "upgrading password hash failed", "identity_id", i.ID, "error", err)
		}
	}
	if !i.IsActive() {
		return i, ErrInactive
	}
	return i, nil
}

func (s *Service) absent(ctx context.Context, password string) error {
	if err := s.hasher.VerifyAbsent(ctx, []byte(password)); err != nil && !errors.Is(err, hash.ErrMismatch) {
		return err
	}
	return ErrInvalidCredentials
}

func (s *Service) rehash(ctx context.Context, id uuid.UUID, password string) error {
	enc, err := s.hasher.Hash(ctx, []byte(password))
	if err != nil {
		return err
	}
	_, err = s.Update(ctx, id, func(i *Identity) error {
		setPasswordHash(i, enc, s.timestamp())
		return nil
	})
	return err
}

// SetPassword hashes password with the configured hasher and stores it as
// the identity's password credential (creating it if needed).
func (s *Service) SetPassword(ctx context.Context, id uuid.UUID, password string) (*Identity, error) {
	enc, err := s.passwordHash(ctx, &PasswordInput{Password: password})
	if err != nil {
		return nil, err
	}
	return s.Update(ctx, id, func(i *Identity) error {
		setPasswordHash(i, enc, s.timestamp())
		return nil
	})
}

// SetCredentials applies an admin credentials import (password and/or
// oidc links) to an existing identity.
func (s *Service) SetCredentials(ctx context.Context, id uuid.UUID, pw *PasswordInput, oidc []OIDCProvider, fn func(*Identity) error) (*Identity, error) {
	var enc string
	if pw != nil {
		var err error
		if enc, err = s.passwordHash(ctx, pw); err != nil {
			return nil, err
		}
	}
	return s.Update(ctx, id, func(i *Identity) error {
		if fn != nil {
			if err := fn(i); err != nil {
				return err
			}
		}
		if pw != nil {
			setPasswordHash(i, enc, s.timestamp())
		}
		return s.applyCredentialInput(ctx, i, nil, oidc)
	})
}

// DeleteCredential removes a credential of type t. For oidc, identifier
// ("provider:subject") removes one provider link and the credential goes
// when none remain. Password and code credentials are first factors and
// cannot be removed this way (ErrFirstFactor), as in Kratos.
func (s *Service) DeleteCredential(ctx context.Context, id uuid.UUID, t CredentialType, identifier string) (*Identity, error) {
	switch t {
	case CredentialPassword, CredentialCode:
		return nil, ErrFirstFactor
	case CredentialOIDC, CredentialTOTP, CredentialLookupSecret, CredentialWebAuthn, CredentialPasskey:
	default:
		return nil, inputErr("type", "%q is not a credential type", t)
	}
	if t == CredentialOIDC && identifier == "" {
		return nil, inputErr("identifier", "removing an oidc credential needs ?identifier=provider:subject")
	}
	return s.Update(ctx, id, func(i *Identity) error {
		c := i.Credential(t)
		if c == nil {
			return storage.ErrNotFound
		}
		if t != CredentialOIDC {
			delete(i.Credentials, t)
			return nil
		}
		var cfg OIDCConfig
		if err := json.Unmarshal(c.Config, &cfg); err != nil {
			return err
		}
		kept := cfg.Providers[:0]
		found := false
		for _, p := range cfg.Providers {
			if OIDCIdentifier(p.Provider, p.Subject) == identifier {
				found = true
				continue
			}
			kept = append(kept, p)
		}
		if !found {
			return storage.ErrNotFound
		}
		if len(kept) == 0 {
			delete(i.Credentials, t)
			return nil
		}
		cfg.Providers = kept
		c.Config, _ = json.Marshal(cfg)
		return nil
	})
}

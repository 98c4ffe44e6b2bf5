package identity

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity/schema"
)

// derive brings everything that follows from the traits up to date: the
// identifiers of the credentials the schema drives, the verifiable and
// recovery addresses (keeping ids and verification state of addresses that
// stay), and the available AAL. It runs before every write.
func derive(i *Identity, x *schema.Extracted, now time.Time, rnd io.Reader) error {
	for t, c := range i.Credentials {
		var ids []string
		switch t {
		case CredentialPassword:
			ids = x.PasswordIdentifiers
		case CredentialWebAuthn:
			ids = x.WebAuthnIdentifiers
			if len(ids) == 0 {
				ids = c.Identifiers
			}
		case CredentialCode:
			for _, ci := range x.CodeIdentifiers {
				ids = append(ids, ci.Value)
			}
		case CredentialOIDC:
			var cfg OIDCConfig
			if err := json.Unmarshal(c.Config, &cfg); err != nil {
				return fmt.Errorf("oidc credential config: %w", err)
			}
			for _, p := range cfg.Providers {
				ids = append(ids, OIDCIdentifier(p.Provider, p.Subject))
			}
		default:
			ids = c.Identifiers
		}
		c.Identifiers = normalizeAll(t, ids)
		if c.ID == uuid.Nil {
			c.ID = newID(rnd)
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		c.UpdatedAt = now
		if len(c.Config) == 0 {
			c.Config = json.RawMessage("{}")
		}
	}

	verifiable := make([]VerifiableAddress, 0, len(x.Verifiable))
	for _, a := range x.Verifiable {
		value := NormalizeAddress(a.Via, a.Value)
		if slices.ContainsFunc(verifiable, func(v VerifiableAddress) bool { return v.Via == a.Via && v.Value == value }) {
			continue
		}
		va := VerifiableAddress{Via: a.Via, Value: value, Status: AddressPending, CreatedAt: now, UpdatedAt: now}
		if old := findVerifiable(i.VerifiableAddresses, a.Via, value); old != nil {
			va = *old
			va.Value = value
			if va.Status == "" {
				va.Status = AddressPending
			}
			if va.Verified {
				va.Status = AddressCompleted
				if va.VerifiedAt == nil {
					at := now
					va.VerifiedAt = &at
				}
			} else {
				va.VerifiedAt = nil
			}
		}
		if va.ID == uuid.Nil {
			va.ID = newID(rnd)
		}
		if va.CreatedAt.IsZero() {
			va.CreatedAt = now
		}
		if va.UpdatedAt.IsZero() {
			va.UpdatedAt = now
		}
		verifiable = append(verifiable, va)
	}
	recovery := make([]RecoveryAddress, 0, len(x.Recovery))
	for _, a := range x.Recovery {
		value := NormalizeAddress(a.Via, a.Value)
		if slices.ContainsFunc(recovery, func(v RecoveryAddress) bool { return v.Via == a.Via && v.Value == value }) {
			continue
		}
		ra := RecoveryAddress{ID: newID(rnd), Via: a.Via, Value: value, CreatedAt: now, UpdatedAt: now}
		for _, old := range i.RecoveryAddresses {
			if old.Via == a.Via && NormalizeAddress(old.Via, old.Value) == value && old.ID != uuid.Nil {
				ra.ID, ra.CreatedAt = old.ID, old.CreatedAt
				if !old.UpdatedAt.IsZero() {
					ra.UpdatedAt = old.UpdatedAt
				}
				if ra.CreatedAt.IsZero() {
					ra.CreatedAt = now
				}
			}
		}
		recovery = append(recovery, ra)
	}
	// The order the store reads them back in, so the whoami document and
	// the admin API agree.
	slices.SortStableFunc(verifiable, func(a, b VerifiableAddress) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	slices.SortStableFunc(recovery, func(a, b RecoveryAddress) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	i.VerifiableAddresses, i.RecoveryAddresses = verifiable, recovery
	i.AvailableAAL = availableAAL(i.Credentials)
	return nil
}

func findVerifiable(list []VerifiableAddress, via, value string) *VerifiableAddress {
	for k := range list {
		if list[k].Via == via && NormalizeAddress(via, list[k].Value) == value {
			return &list[k]
		}
	}
	return nil
}

// normalizeAll normalises, drops empties and duplicates, and sorts: the
// order the store returns identifiers in.
func normalizeAll(t CredentialType, in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if n := NormalizeIdentifier(t, s); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// newID returns a random (version 4) UUID from rnd.
func newID(rnd io.Reader) uuid.UUID {
	id, err := uuid.NewRandomFromReader(rnd)
	if err != nil {
		// crypto/rand does not fail on supported platforms; a test reader
		// that runs dry is a bug in the test.
		panic(fmt.Sprintf("identity: reading randomness: %v", err))
	}
	return id
}

package identity

import (
	"context"
	"errors"

	"github.com/google/uuid"
)

// ErrAddressGone: the identity no longer has the address (it changed its
// traits after a code was sent to the old one).
var ErrAddressGone = errors.New("the address is no longer part of the identity")

// FindByRecoveryAddress returns the identity with the recovery address
// (normalised here), or storage.ErrNotFound.
func (s *Service) FindByRecoveryAddress(ctx context.Context, via, value string) (*Identity, error) {
	return scanIdentity(s.store.pool.QueryRow(ctx, selectIdentity+
		` WHERE i.id = (SELECT identity_id FROM identity_recovery_addresses WHERE via = $1 AND value = $2)`,
		via, NormalizeAddress(via, value)))
}

// FindByVerifiableAddress returns the identity with the verifiable address
// (normalised here), or storage.ErrNotFound.
func (s *Service) FindByVerifiableAddress(ctx context.Context, via, value string) (*Identity, error) {
	return scanIdentity(s.store.pool.QueryRow(ctx, selectIdentity+
		` WHERE i.id = (SELECT identity_id FROM identity_verifiable_addresses WHERE via = $1 AND value = $2)`,
		via, NormalizeAddress(via, value)))
}

// SetAddressStatus moves the identity's verifiable address to status:
// sent when a verification message went out (a completed address stays
// completed), completed when it was verified (verified, verified_at now).
// It returns ErrAddressGone when the identity no longer has the address.
func (s *Service) SetAddressStatus(ctx context.Context, id uuid.UUID, via, value string, status VerifiableAddressStatus) (*Identity, error) {
	value = NormalizeAddress(via, value)
	return s.Update(ctx, id, func(i *Identity) error {
		a := findVerifiable(i.VerifiableAddresses, via, value)
		if a == nil {
			return ErrAddressGone
		}
		switch status {
		case AddressCompleted:
			now := s.timestamp()
			a.Verified, a.Status, a.VerifiedAt, a.UpdatedAt = true, AddressCompleted, &now, now
		case AddressSent:
			if a.Status == AddressPending {
				a.Status, a.UpdatedAt = AddressSent, s.timestamp()
			}
		}
		return nil
	})
}

// HasRecoveryAddress reports whether i may be recovered through value.
func (i *Identity) HasRecoveryAddress(via, value string) bool {
	value = NormalizeAddress(via, value)
	for _, a := range i.RecoveryAddresses {
		if a.Via == via && NormalizeAddress(via, a.Value) == value {
			return true
		}
	}
	return false
}

package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

func TestAddressLookupAndStatus(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	i, err := s.Create(ctx, identity.CreateParams{Traits: seedTraits("Jane@Example.org")})
	if err != nil {
		t.Fatal(err)
	}
	for name, find := range map[string]func(string) (*identity.Identity, error){
		"recovery":   func(v string) (*identity.Identity, error) { return s.FindByRecoveryAddress(ctx, "email", v) },
		"verifiable": func(v string) (*identity.Identity, error) { return s.FindByVerifiableAddress(ctx, "email", v) },
	} {
		got, err := find("JANE@example.ORG ")
		if err != nil || got.ID != i.ID {
			t.Errorf("%s lookup by a differently written address: %v", name, err)
		}
		if _, err := find("nobody@example.org"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%s lookup of an unknown address: %v", name, err)
		}
	}
	got, err := s.SetAddressStatus(ctx, i.ID, "email", "jane@example.org", identity.AddressSent)
	if err != nil || got.VerifiableAddresses[0].Status != identity.AddressSent || got.VerifiableAddresses[0].Verified {
		t.Fatalf("sent: %+v %v", got.VerifiableAddresses, err)
	}
	got, err = s.SetAddressStatus(ctx, i.ID, "email", "jane@example.org", identity.AddressCompleted)
	a := got.VerifiableAddresses[0]
	if err != nil || !a.Verified || a.Status != identity.AddressCompleted || a.VerifiedAt == nil {
		t.Fatalf("completed: %+v %v", a, err)
	}
	// A later "sent" (a new verification mail) does not undo it.
	got, _ = s.SetAddressStatus(ctx, i.ID, "email", "jane@example.org", identity.AddressSent)
	if !got.VerifiableAddresses[0].Verified || got.VerifiableAddresses[0].Status != identity.AddressCompleted {
		t.Fatal("a verified address went back to unverified")
	}
	// The person changes their address: the old one is gone.
	if _, err := s.Update(ctx, i.ID, func(x *identity.Identity) error { x.Traits = seedTraits("new@example.org"); return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetAddressStatus(ctx, i.ID, "email", "jane@example.org", identity.AddressCompleted); !errors.Is(err, identity.ErrAddressGone) {
		t.Fatalf("verifying a removed address: %v", err)
	}
	fresh, _ := s.Get(ctx, i.ID)
	if fresh.VerifiableAddresses[0].Verified || fresh.HasRecoveryAddress("email", "jane@example.org") || !fresh.HasRecoveryAddress("email", "NEW@example.org") {
		t.Fatalf("after the change: %+v %+v", fresh.VerifiableAddresses, fresh.RecoveryAddresses)
	}
}

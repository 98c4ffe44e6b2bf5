package identity_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/identitytest"
	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

func newService(t *testing.T) *identity.Service {
	t.Helper()
	return identitytest.NewService(t, pgtest.New(t))
}

func seedTraits(email string) json.RawMessage {
	return json.RawMessage(`{"email":"` + email + `","full_name":"Jane Doe","phone_number":"+4930901820"}`)
}

func TestCreateDerivesIdentifiersAndAddresses(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	i, err := s.Create(ctx, identity.CreateParams{
		Traits:   seedTraits("Jane@Example.ORG"),
		Password: &identity.PasswordInput{Password: "correct horse battery staple"},
		VerifiableAddresses: []identity.VerifiableAddress{
			{Via: "email", Value: "JANE@example.org", Verified: true, Status: identity.AddressCompleted},
			{Via: "email", Value: "not-in-traits@example.org", Verified: true},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if i.SchemaID != "default" || i.State != identity.StateActive || i.AvailableAAL != identity.AAL1 {
		t.Errorf("defaults: schema %q state %q aal %q", i.SchemaID, i.State, i.AvailableAAL)
	}
	pw := i.Credential(identity.CredentialPassword)
	if pw == nil || len(pw.Identifiers) != 1 || pw.Identifiers[0] != "jane@example.org" {
		t.Fatalf("password credential = %+v", pw)
	}
	if len(i.VerifiableAddresses) != 1 || !i.VerifiableAddresses[0].Verified || i.VerifiableAddresses[0].VerifiedAt == nil ||
		i.VerifiableAddresses[0].Value != "jane@example.org" || i.VerifiableAddresses[0].Status != identity.AddressCompleted {
		t.Errorf("verifiable = %+v: the imported verification of the traits' address must stick, others are dropped", i.VerifiableAddresses)
	}
	if len(i.RecoveryAddresses) != 1 || i.RecoveryAddresses[0].Value != "jane@example.org" {
		t.Errorf("recovery = %+v", i.RecoveryAddresses)
	}

	got, err := s.Get(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(i.AdminView("u", []identity.CredentialType{identity.CredentialPassword}))
	b, _ := json.Marshal(got.AdminView("u", []identity.CredentialType{identity.CredentialPassword}))
	if string(a) != string(b) {
		t.Errorf("read back differs from what Create returned:\n%s\n%s", a, b)
	}
	if strings.Contains(string(b), "hashed_password") || strings.Contains(string(b), "argon2") {
		t.Errorf("admin view leaks the password hash: %s", b)
	}

	// Identifiers are case-folded and NFKC-normalised for lookups.
	for _, id := range []string{"jane@example.org", " JANE@EXAMPLE.ORG ", "ｊａｎｅ@example.org"} {
		found, c, err := s.FindByIdentifier(ctx, identity.CredentialPassword, id)
		if err != nil || found.ID != i.ID || c == nil {
			t.Errorf("FindByIdentifier(%q) = %v, %v", id, found, err)
		}
	}
}

func TestCreateRefusesBadInput(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	cases := map[string]struct {
		p    identity.CreateParams
		want func(error) bool
	}{
		"unknown schema": {identity.CreateParams{SchemaID: "nope", Traits: seedTraits("a@example.org")},
			func(err error) bool { return errors.Is(err, identity.ErrUnknownSchema) }},
		"schema violation": {identity.CreateParams{Traits: json.RawMessage(`{"email":"x"}`)},
			func(err error) bool {
				var ve *schema.ValidationError
				return errors.As(err, &ve) && len(ve.Violations) == 3
			}},
		"unparseable hash": {identity.CreateParams{Traits: seedTraits("a@example.org"), Password: &identity.PasswordInput{HashedPassword: "$2a$10$short"}},
			func(err error) bool { var ie *identity.InputError; return errors.As(err, &ie) }},
		"unknown hash format": {identity.CreateParams{Traits: seedTraits("a@example.org"), Password: &identity.PasswordInput{HashedPassword: "plain"}},
			func(err error) bool { var ie *identity.InputError; return errors.As(err, &ie) }},
		"bad state": {identity.CreateParams{Traits: seedTraits("a@example.org"), State: "deleted"},
			func(err error) bool { var ie *identity.InputError; return errors.As(err, &ie) }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := s.Create(ctx, tc.p)
			if !tc.want(err) {
				t.Fatalf("Create = %v", err)
			}
		})
	}
	// Nothing was written.
	page, _, err := s.List(ctx, identity.ListParams{})
	if err != nil || len(page) != 0 {
		t.Fatalf("after refused creates: %d identities, %v", len(page), err)
	}
}

// Two registrations racing for one e-mail address: the database decides,
// exactly one wins, every other gets a conflict.
func TestConcurrentDuplicateCreate(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := "race@example.org"
			if k%2 == 1 {
				email = "RACE@example.org" // the same identifier once folded
			}
			_, errs[k] = s.Create(ctx, identity.CreateParams{Traits: seedTraits(email),
				Password: &identity.PasswordInput{HashedPassword: "$2a$04$hN1j.y.62o63uW5BgBlvf.Bfvp4rxaL.c5YZ6VBx3UE2.TbglltWC"}})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		var ce *identity.ConflictError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &ce) && errors.Is(err, storage.ErrAlreadyExists):
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d creates succeeded, want exactly 1", ok)
	}
}

func TestVerifyPasswordAndTransparentRehash(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	// Imported from a legacy system as PBKDF2-SHA256 (fixture made with
	// Python's hashlib for "correct horse battery staple").
	i, err := s.Create(ctx, identity.CreateParams{Traits: seedTraits("legacy@example.org"),
		Password: &identity.PasswordInput{HashedPassword: "$pbkdf2-sha256$i=1000,l=32$AQIDBAUGBwgJCgsMDQ4PEA$m33AcPJmtZT4BCk55kw6VMWgiuKxPOc9CEFW8cSB5g8"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyPassword(ctx, "legacy@example.org", "wrong"); !errors.Is(err, identity.ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.VerifyPassword(ctx, "nobody@example.org", "correct horse battery staple"); !errors.Is(err, identity.ErrInvalidCredentials) {
		t.Fatalf("unknown identifier: %v", err)
	}
	got, err := s.VerifyPassword(ctx, "Legacy@Example.org", "correct horse battery staple")
	if err != nil || got.ID != i.ID {
		t.Fatalf("right password: %v", err)
	}
	after, _ := s.Get(ctx, i.ID)
	var cfg identity.PasswordConfig
	_ = json.Unmarshal(after.Credential(identity.CredentialPassword).Config, &cfg)
	if !strings.HasPrefix(cfg.HashedPassword, "$argon2id$") {
		t.Fatalf("after a successful login the hash is %q, want it upgraded to argon2id", cfg.HashedPassword)
	}
	if _, err := s.VerifyPassword(ctx, "legacy@example.org", "correct horse battery staple"); err != nil {
		t.Fatalf("login with the upgraded hash: %v", err)
	}

	// Right password, inactive identity.
	if _, err := s.Update(ctx, i.ID, func(i *identity.Identity) error { i.State = identity.StateInactive; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyPassword(ctx, "legacy@example.org", "correct horse battery staple"); !errors.Is(err, identity.ErrInactive) {
		t.Fatalf("inactive identity: %v", err)
	}
}

func TestUpdateKeepsVerificationAndRederives(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	i, err := s.Create(ctx, identity.CreateParams{Traits: seedTraits("one@example.org"),
		Password:            &identity.PasswordInput{HashedPassword: "$2a$04$hN1j.y.62o63uW5BgBlvf.Bfvp4rxaL.c5YZ6VBx3UE2.TbglltWC"},
		VerifiableAddresses: []identity.VerifiableAddress{{Via: "email", Value: "one@example.org", Verified: true}}})
	if err != nil {
		t.Fatal(err)
	}
	addrID := i.VerifiableAddresses[0].ID
	// A metadata change keeps the verified address as it is.
	i2, err := s.Update(ctx, i.ID, func(i *identity.Identity) error { i.MetadataPublic = json.RawMessage(`{"plan":"pro"}`); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if i2.VerifiableAddresses[0].ID != addrID || !i2.VerifiableAddresses[0].Verified {
		t.Errorf("address after metadata update = %+v", i2.VerifiableAddresses[0])
	}
	// A new e-mail replaces identifier and addresses; the new one is unverified.
	i3, err := s.Update(ctx, i.ID, func(i *identity.Identity) error { i.Traits = seedTraits("two@example.org"); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if i3.Credential(identity.CredentialPassword).Identifiers[0] != "two@example.org" || i3.VerifiableAddresses[0].Verified {
		t.Errorf("after e-mail change: %+v %+v", i3.Credential(identity.CredentialPassword), i3.VerifiableAddresses)
	}
	if _, _, err := s.FindByIdentifier(ctx, identity.CredentialPassword, "one@example.org"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("old identifier still found: %v", err)
	}
	// An update that breaks the schema changes nothing.
	if _, err := s.Update(ctx, i.ID, func(i *identity.Identity) error { i.Traits = json.RawMessage(`{}`); return nil }); err == nil {
		t.Fatal("update to invalid traits succeeded")
	}
	again, _ := s.Get(ctx, i.ID)
	if again.Credential(identity.CredentialPassword).Identifiers[0] != "two@example.org" {
		t.Error("a refused update changed the identity")
	}
	if _, err := s.Update(ctx, uuid.New(), func(*identity.Identity) error { return nil }); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("update of a missing identity: %v", err)
	}
}

func TestDeleteCredential(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	i, err := s.Create(ctx, identity.CreateParams{Traits: seedTraits("oidc@example.org"),
		OIDC: []identity.OIDCProvider{{Provider: "github", Subject: "1"}, {Provider: "google", Subject: "2"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ids := i.Credential(identity.CredentialOIDC).Identifiers; len(ids) != 2 || ids[0] != "github:1" {
		t.Fatalf("oidc identifiers = %v", ids)
	}
	if _, err := s.DeleteCredential(ctx, i.ID, identity.CredentialPassword, ""); !errors.Is(err, identity.ErrFirstFactor) {
		t.Errorf("deleting password: %v", err)
	}
	if _, err := s.DeleteCredential(ctx, i.ID, identity.CredentialOIDC, "github:9"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("deleting an unknown link: %v", err)
	}
	i, err = s.DeleteCredential(ctx, i.ID, identity.CredentialOIDC, "github:1")
	if err != nil || len(i.Credential(identity.CredentialOIDC).Identifiers) != 1 {
		t.Fatalf("after unlinking github: %v %+v", err, i.Credential(identity.CredentialOIDC))
	}
	i, err = s.DeleteCredential(ctx, i.ID, identity.CredentialOIDC, "google:2")
	if err != nil || i.Credential(identity.CredentialOIDC) != nil {
		t.Fatalf("after unlinking the last provider: %v %+v", err, i.Credentials)
	}
}

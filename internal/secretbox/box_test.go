package secretbox

import (
	"bytes"
	"errors"
	"testing"
)

const (
	oldSecret = "old-secret-0123456789abcdef"
	newSecret = "new-secret-0123456789abcdef"
)

func mustBox(t *testing.T, purpose string, secrets ...string) *Box {
	t.Helper()
	b, err := New(secrets, purpose)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRotation(t *testing.T) {
	ad := []byte("row-1")
	before := mustBox(t, "jwk", oldSecret)
	sealed, err := before.Seal([]byte("private key"), ad)
	if err != nil {
		t.Fatal(err)
	}

	// Rotation: the new secret is prepended, the old one kept for opening.
	after := mustBox(t, "jwk", newSecret, oldSecret)
	got, err := after.Open(sealed, ad)
	if err != nil || string(got) != "private key" {
		t.Fatalf("value sealed before rotation does not open after it: %q, %v", got, err)
	}
	if !after.NeedsReseal(sealed) {
		t.Fatal("a value sealed with the old secret must be flagged for re-sealing")
	}
	resealed, _ := after.Seal(got, ad)
	if after.NeedsReseal(resealed) {
		t.Fatal("a freshly sealed value must not need re-sealing")
	}

	// Once the old secret is dropped, old values stop opening and new ones still do.
	onlyNew := mustBox(t, "jwk", newSecret)
	if _, err := onlyNew.Open(sealed, ad); !errors.Is(err, ErrOpen) {
		t.Fatalf("old value opened without its secret: %v", err)
	}
	if got, err := onlyNew.Open(resealed, ad); err != nil || string(got) != "private key" {
		t.Fatalf("re-sealed value does not open: %v", err)
	}
	// And a box that only knows the old secret cannot open the new value.
	if _, err := before.Open(resealed, ad); !errors.Is(err, ErrOpen) {
		t.Fatal("value sealed with the new secret opened with only the old one")
	}
}

func TestRefusesTamperingAndMisuse(t *testing.T) {
	b := mustBox(t, "jwk", newSecret)
	sealed, _ := b.Seal([]byte("secret"), []byte("row-1"))
	cases := map[string]struct {
		value []byte
		ad    string
		box   *Box
	}{
		"flipped ciphertext bit": {flip(sealed, len(sealed)-1), "row-1", b},
		"flipped nonce bit":      {flip(sealed, 6), "row-1", b},
		"truncated":              {sealed[:10], "row-1", b},
		"empty":                  {nil, "row-1", b},
		"unknown version":        {flip(sealed, 0), "row-1", b},
		// A sealed value copied to another row must not open there.
		"other associated data": {sealed, "row-2", b},
		// The same secret under another purpose is an unrelated key.
		"other purpose": {sealed, "row-1", mustBox(t, "oidc", newSecret)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := c.box.Open(c.value, []byte(c.ad)); !errors.Is(err, ErrOpen) {
				t.Fatalf("opened: %v", err)
			}
		})
	}
}

func TestSealIsRandomised(t *testing.T) {
	b := mustBox(t, "jwk", newSecret)
	x, _ := b.Seal([]byte("same"), nil)
	y, _ := b.Seal([]byte("same"), nil)
	if bytes.Equal(x, y) {
		t.Fatal("two seals of one value are identical: nonce reuse")
	}
}

func TestRefusesShortSecrets(t *testing.T) {
	if _, err := New([]string{"short"}, "jwk"); err == nil {
		t.Fatal("a short secret was accepted")
	}
	if _, err := New(nil, "jwk"); err == nil {
		t.Fatal("an empty secret list was accepted")
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

package secretbox

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// ErrOpen is returned for any value that no configured secret opens:
// tampered, truncated, or sealed under a secret that has been removed.
var ErrOpen = errors.New("secretbox: value cannot be opened with the configured secrets")

// format version of sealed values; bumped if the layout ever changes.
const version = 1

// keyIDLen bytes of a key fingerprint prefix each sealed value, so Open
// tries the right key first instead of every key in turn.
const keyIDLen = 4

// Box seals and opens values for one purpose.
type Box struct {
	keys []key
}

type key struct {
	id   [keyIDLen]byte
	aead interface {
		Seal(dst, nonce, plaintext, additionalData []byte) []byte
		Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error)
		NonceSize() int
		Overhead() int
	}
}

// New derives one key per secret for purpose (e.g. "jwk", "oidc-tokens").
func New(secrets []string, purpose string) (*Box, error) {
	if len(secrets) == 0 {
		return nil, errors.New("secretbox: at least one secret is required")
	}
	b := &Box{}
	for i, s := range secrets {
		if len(s) < 16 {
			return nil, fmt.Errorf("secretbox: secret %d is shorter than 16 characters", i)
		}
		k, err := hkdf.Key(sha256.New, []byte(s), nil, "cerberus secretbox v1 "+purpose, chacha20poly1305.KeySize)
		if err != nil {
			return nil, err
		}
		aead, err := chacha20poly1305.NewX(k)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(append([]byte("cerberus key id "), k...))
		var id [keyIDLen]byte
		copy(id[:], sum[:])
		b.keys = append(b.keys, key{id: id, aead: aead})
	}
	return b, nil
}

// Seal encrypts plaintext under the first secret, binding ad.
func (b *Box) Seal(plaintext, ad []byte) ([]byte, error) {
	k := b.keys[0]
	nonceSize := k.aead.NonceSize()
	out := make([]byte, 1+keyIDLen+nonceSize, 1+keyIDLen+nonceSize+len(plaintext)+k.aead.Overhead())
	out[0] = version
	copy(out[1:], k.id[:])
	nonce := out[1+keyIDLen:]
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return k.aead.Seal(out, nonce, plaintext, ad), nil
}

// Open decrypts a value sealed by any configured secret with the same ad.
func (b *Box) Open(sealed, ad []byte) ([]byte, error) {
	if len(sealed) < 1+keyIDLen || sealed[0] != version {
		return nil, ErrOpen
	}
	id := sealed[1 : 1+keyIDLen]
	// Try the key whose id matches first; fall back to all (ids are short
	// and may collide).
	for pass := 0; pass < 2; pass++ {
		for _, k := range b.keys {
			match := subtle.ConstantTimeCompare(k.id[:], id) == 1
			if (pass == 0) != match {
				continue
			}
			ns := k.aead.NonceSize()
			if len(sealed) < 1+keyIDLen+ns+k.aead.Overhead() {
				return nil, ErrOpen
			}
			nonce := sealed[1+keyIDLen : 1+keyIDLen+ns]
			if pt, err := k.aead.Open(nil, nonce, sealed[1+keyIDLen+ns:], ad); err == nil {
				return pt, nil
			}
		}
	}
	return nil, ErrOpen
}

// NeedsReseal reports whether sealed was made with a key other than the
// current first one, so callers can re-seal after a rotation.
func (b *Box) NeedsReseal(sealed []byte) bool {
	if len(sealed) < 1+keyIDLen {
		return true
	}
	return subtle.ConstantTimeCompare(b.keys[0].id[:], sealed[1:1+keyIDLen]) != 1
}

package session

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
)

// Token prefixes, as Kratos writes them: secret scanners recognise them.
const (
	TokenPrefix       = "ory_st_"
	LogoutTokenPrefix = "ory_lo_"
)

// tokenBytes is the entropy of a token: 256 bits.
const tokenBytes = 32

// TokenLength is the length of every token this package issues.
var TokenLength = len(TokenPrefix) + base64.RawURLEncoding.EncodedLen(tokenBytes)

// newToken returns prefix + base64url(32 random bytes) and its hash.
func newToken(rnd io.Reader, prefix string) (string, []byte, error) {
	b := make([]byte, tokenBytes)
	if _, err := io.ReadFull(rnd, b); err != nil {
		return "", nil, fmt.Errorf("session: reading randomness: %w", err)
	}
	t := prefix + base64.RawURLEncoding.EncodeToString(b)
	return t, hashToken(t), nil
}

// hashToken is what the database stores and looks up: SHA-256 of the whole
// token. A 256-bit random token needs no salt or slow hash; a leaked table
// yields nothing that can be presented.
func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

// wellFormed reports whether t could be a token with prefix, so malformed
// input is refused without a database round trip.
func wellFormed(t, prefix string) bool {
	if len(t) != TokenLength || t[:len(prefix)] != prefix {
		return false
	}
	for i := len(prefix); i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

package hash

import (
	"golang.org/x/crypto/bcrypt"
)

type bcryptDigest struct {
	encoded []byte
	cost    int
}

func (d *bcryptDigest) Algorithm() string { return "bcrypt" }

// Match uses bcrypt's own constant-time comparison. Passwords longer than
// bcrypt's 72-byte input never match rather than matching on a prefix.
func (d *bcryptDigest) Match(password []byte) bool {
	if len(password) > 72 {
		return false
	}
	return bcrypt.CompareHashAndPassword(d.encoded, password) == nil
}

// parseBcrypt accepts the $2a$, $2b$, $2y$ and $2z$ variants, which differ
// only in historical bug fixes of other implementations: the hash function is
// the same.
func parseBcrypt(s string) (Digest, error) {
	cost, err := bcrypt.Cost([]byte(s))
	if err != nil {
		return nil, malformed("bcrypt", "%v", err)
	}
	if len(s) != 60 {
		return nil, malformed("bcrypt", "want 60 characters, got %d", len(s))
	}
	return &bcryptDigest{encoded: []byte(s), cost: cost}, nil
}

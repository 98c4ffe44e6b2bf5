package hash

import (
	"strings"

	"golang.org/x/crypto/scrypt"
)

type scryptDigest struct {
	n, r, p   int
	salt, key []byte
}

func (d *scryptDigest) Algorithm() string { return "scrypt" }

func (d *scryptDigest) Match(password []byte) bool {
	k, err := scrypt.Key(password, d.salt, d.n, d.r, d.p, len(d.key))
	return err == nil && constantTimeEqual(k, d.key)
}

// parseScrypt reads $scrypt$ln=<N>,r=<r>,p=<p>$<salt>$<key>. Despite its
// name, Kratos's ln carries N itself (16384), not its logarithm.
func parseScrypt(s string) (Digest, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 5 || parts[0] != "" {
		return nil, malformed("scrypt", "want $scrypt$ln=…,r=…,p=…$salt$key")
	}
	ps, err := phcParams("scrypt", parts[2], "ln", "r", "p")
	if err != nil {
		return nil, err
	}
	n, r, p := ps["ln"], ps["r"], ps["p"]
	if n < 2 || n&(n-1) != 0 || n > 1<<20 {
		return nil, malformed("scrypt", "ln=%d must be a power of two between 2 and 1048576", n)
	}
	if err := within("scrypt", "r", r, 1, 64); err != nil {
		return nil, err
	}
	if err := within("scrypt", "p", p, 1, 64); err != nil {
		return nil, err
	}
	// Memory is 128·N·r bytes; refuse anything past 1 GiB.
	if 128*n*r > 1<<30 {
		return nil, malformed("scrypt", "N·r needs more than 1 GiB of memory")
	}
	salt, err := decodeB64(parts[3])
	if err != nil {
		return nil, malformed("scrypt", "salt is not base64")
	}
	key, err := decodeB64(parts[4])
	if err != nil || len(key) < 8 || len(key) > 1024 {
		return nil, malformed("scrypt", "key is not base64 of 8 to 1024 bytes")
	}
	return &scryptDigest{n: int(n), r: int(r), p: int(p), salt: salt, key: key}, nil
}

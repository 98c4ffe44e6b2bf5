package hash

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strings"
)

type pbkdf2Digest struct {
	name       string
	h          func() hash.Hash
	iterations int
	salt, key  []byte
}

func (d *pbkdf2Digest) Algorithm() string { return d.name }

func (d *pbkdf2Digest) Match(password []byte) bool {
	k, err := pbkdf2.Key(d.h, string(password), d.salt, d.iterations, len(d.key))
	return err == nil && constantTimeEqual(k, d.key)
}

var pbkdf2Hashes = map[string]func() hash.Hash{
	"sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New,
	"sha384": sha512.New384, "sha512": sha512.New,
}

// parsePBKDF2 reads $pbkdf2-<digest>$i=<iterations>,l=<length>$<salt>$<key>.
// The derived key's own length is what is compared: published examples
// disagree on whether l counts bytes or bits, and PBKDF2's output for a
// shorter length is a prefix of the longer one, so nothing is lost.
func parsePBKDF2(s string) (Digest, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 5 || parts[0] != "" {
		return nil, malformed("pbkdf2", "want $pbkdf2-<digest>$i=…,l=…$salt$key")
	}
	digest := strings.TrimPrefix(parts[1], "pbkdf2-")
	h, ok := pbkdf2Hashes[digest]
	if !ok {
		return nil, malformed("pbkdf2", "digest %q is not one of sha1, sha224, sha256, sha384, sha512", digest)
	}
	name := "pbkdf2-" + digest
	ps, err := phcParams(name, parts[2], "i")
	if err != nil {
		return nil, err
	}
	if err := within(name, "i", ps["i"], 1, 10_000_000); err != nil {
		return nil, err
	}
	salt, err := decodeB64(parts[3])
	if err != nil {
		return nil, malformed(name, "salt is not base64")
	}
	key, err := decodeB64(parts[4])
	if err != nil || len(key) < 8 || len(key) > 1024 {
		return nil, malformed(name, "key is not base64 of 8 to 1024 bytes")
	}
	return &pbkdf2Digest{name: name, h: h, iterations: int(ps["i"]), salt: salt, key: key}, nil
}

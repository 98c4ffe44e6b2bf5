package hash

import (
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost parameters of an argon2 hash.
type Argon2Params struct {
	// Memory in KiB.
	Memory uint32
	// Iterations (time cost).
	Iterations uint32
	// Parallelism (lanes).
	Parallelism uint8
	// SaltLength and KeyLength in bytes.
	SaltLength uint32
	KeyLength  uint32
}

type argon2Digest struct {
	variant string // "argon2id" or "argon2i"
	p       Argon2Params
	salt    []byte
	key     []byte
}

func (d *argon2Digest) Algorithm() string { return d.variant }

func (d *argon2Digest) Match(password []byte) bool {
	var k []byte
	if d.variant == "argon2id" {
		k = argon2.IDKey(password, d.salt, d.p.Iterations, d.p.Memory, d.p.Parallelism, d.p.KeyLength)
	} else {
		k = argon2.Key(password, d.salt, d.p.Iterations, d.p.Memory, d.p.Parallelism, d.p.KeyLength)
	}
	return constantTimeEqual(k, d.key)
}

// parseArgon2 reads the PHC string format:
// $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<key>, salt and
// key in unpadded standard base64.
func parseArgon2(s string) (Digest, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return nil, malformed("argon2", "want $variant$v=19$m=…,t=…,p=…$salt$key")
	}
	variant := parts[1]
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return nil, malformed(variant, "version %q is not supported, only v=%d", parts[2], argon2.Version)
	}
	ps, err := phcParams(variant, parts[3], "m", "t", "p")
	if err != nil {
		return nil, err
	}
	if err := within(variant, "p", ps["p"], 1, 255); err != nil {
		return nil, err
	}
	// 1 GiB: Kratos's default is 128 MB; anything near this bound already
	// makes every login attempt against the hash a memory hazard.
	if err := within(variant, "m", ps["m"], 8*ps["p"], 1<<20); err != nil {
		return nil, err
	}
	if err := within(variant, "t", ps["t"], 1, 64); err != nil {
		return nil, err
	}
	salt, err := decodeB64(parts[4])
	if err != nil || len(salt) == 0 {
		return nil, malformed(variant, "salt is not base64")
	}
	key, err := decodeB64(parts[5])
	if err != nil || len(key) < 4 || len(key) > 1024 {
		return nil, malformed(variant, "key is not base64 of 4 to 1024 bytes")
	}
	return &argon2Digest{
		variant: variant,
		p: Argon2Params{
			Memory: uint32(ps["m"]), Iterations: uint32(ps["t"]), Parallelism: uint8(ps["p"]),
			SaltLength: uint32(len(salt)), KeyLength: uint32(len(key)),
		},
		salt: salt, key: key,
	}, nil
}

// encodeArgon2id writes a new argon2id hash in PHC format.
func encodeArgon2id(p Argon2Params, salt, key []byte) string {
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism, enc.EncodeToString(salt), enc.EncodeToString(key))
}

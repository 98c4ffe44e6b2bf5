package hash

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors returned by Parse and Verify.
var (
	// ErrMismatch: the password does not match the hash.
	ErrMismatch = errors.New("hash: password does not match")
	// ErrUnknownFormat: the string is not in any supported hash format.
	ErrUnknownFormat = errors.New("hash: unknown hash format")
)

// MalformedError says why a hash in a known format could not be parsed.
type MalformedError struct {
	Format string
	Reason string
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("hash: malformed %s hash: %s", e.Format, e.Reason)
}

func malformed(format, reason string, args ...any) error {
	return &MalformedError{Format: format, Reason: fmt.Sprintf(reason, args...)}
}

// Digest is a parsed password hash.
type Digest interface {
	// Algorithm names the format ("argon2id", "bcrypt", "pbkdf2-sha256", ...).
	Algorithm() string
	// Match reports whether password produces this digest. Implementations
	// compare in constant time.
	Match(password []byte) bool
}

// parsers are tried in order; the first whose prefix matches owns the string.
var parsers = []struct {
	prefix string
	parse  func(string) (Digest, error)
}{
	{"$argon2id$", parseArgon2},
	{"$argon2i$", parseArgon2},
	{"$2a$", parseBcrypt},
	{"$2b$", parseBcrypt},
	{"$2y$", parseBcrypt},
	{"$2z$", parseBcrypt},
	{"$pbkdf2-", parsePBKDF2},
	{"$scrypt$", parseScrypt},
	{"$firescrypt$", parseFirescrypt},
	{"$sha1$", parseSaltedSHA},
	{"$sha256$", parseSaltedSHA},
	{"$sha512$", parseSaltedSHA},
	{"{SSHA}", parseSSHA},
	{"{SSHA256}", parseSSHA},
	{"{SSHA512}", parseSSHA},
	{"$md5$", parseMD5},
	{"$hmac-", parseHMAC},
	{"$md5-crypt$", parseCrypt},
	{"$sha256-crypt$", parseCrypt},
	{"$sha512-crypt$", parseCrypt},
	{"$1$", parseCrypt},
	{"$5$", parseCrypt},
	{"$6$", parseCrypt},
}

// Parse parses an encoded hash in any supported format. It returns
// ErrUnknownFormat or a *MalformedError when the string cannot be used.
func Parse(encoded string) (Digest, error) {
	for _, p := range parsers {
		if strings.HasPrefix(encoded, p.prefix) {
			return p.parse(encoded)
		}
	}
	return nil, ErrUnknownFormat
}

// decodeB64 decodes standard base64 with or without padding: PHC strings
// omit it, Kratos's scrypt and SHA formats include it.
func decodeB64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	return base64.RawStdEncoding.DecodeString(s)
}

// phcParams parses "k=v,k=v" into integers, requiring exactly the keys given.
func phcParams(format, s string, keys ...string) (map[string]int64, error) {
	out := make(map[string]int64, len(keys))
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, malformed(format, "parameter %q is not key=value", kv)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, malformed(format, "parameter %s=%q is not a non-negative integer", k, v)
		}
		out[k] = n
	}
	for _, k := range keys {
		if _, ok := out[k]; !ok {
			return nil, malformed(format, "parameter %s is missing", k)
		}
	}
	return out, nil
}

// within checks that a cost parameter lies in [lo, hi]. The upper bounds
// keep one imported hash from pinning the CPU or memory of the server at
// every login attempt.
func within(format, name string, v, lo, hi int64) error {
	if v < lo || v > hi {
		return malformed(format, "%s=%d is outside the supported range %d..%d", name, v, lo, hi)
	}
	return nil
}

func constantTimeEqual(a, b []byte) bool {
	return subtle.ConstantTimeCompare(a, b) == 1
}

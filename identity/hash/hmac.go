package hash

import (
	"crypto/hmac"
	"crypto/md5"  //nolint:gosec // verifying imported legacy hashes only
	"crypto/sha1" //nolint:gosec // verifying imported legacy hashes only
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"strings"

	"golang.org/x/crypto/md4" //nolint:staticcheck // verifying imported legacy hashes only
)

type hmacDigest struct {
	name string
	h    func() hash.Hash
	mac  []byte // raw MAC bytes
	key  []byte
}

func (d *hmacDigest) Algorithm() string { return d.name }

func (d *hmacDigest) Match(password []byte) bool {
	m := hmac.New(d.h, d.key)
	m.Write(password)
	return constantTimeEqual(m.Sum(nil), d.mac)
}

var hmacHashes = map[string]func() hash.Hash{
	"md4": md4.New, "md5": md5.New, "sha1": sha1.New, "sha224": sha256.New224,
	"sha256": sha256.New, "sha384": sha512.New384, "sha512": sha512.New,
}

// parseHMAC reads $hmac-<digest>$<base64 of the hex MAC>$<base64 key>, the
// form Kratos documents for applications that peppered passwords with a
// server-side key.
func parseHMAC(s string) (Digest, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 4 || parts[0] != "" {
		return nil, malformed("hmac", "want $hmac-<digest>$mac$key")
	}
	digest := strings.TrimPrefix(parts[1], "hmac-")
	h, ok := hmacHashes[digest]
	name := "hmac-" + digest
	if !ok {
		return nil, malformed("hmac", "digest %q is not one of md4, md5, sha1, sha224, sha256, sha384, sha512", digest)
	}
	hexMAC, err := decodeB64(parts[2])
	if err != nil {
		return nil, malformed(name, "mac is not base64")
	}
	mac, err := hex.DecodeString(string(hexMAC))
	if err != nil || len(mac) != h().Size() {
		return nil, malformed(name, "mac is not base64 of a %d-byte hex digest", h().Size())
	}
	key, err := decodeB64(parts[3])
	if err != nil {
		return nil, malformed(name, "key is not base64")
	}
	return &hmacDigest{name: name, h: h, mac: mac, key: key}, nil
}

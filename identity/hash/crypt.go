package hash

import (
	"crypto/md5" //nolint:gosec // verifying imported legacy hashes only
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strconv"
	"strings"
)

// cryptDigest verifies glibc crypt(3) hashes: MD5-crypt ($1$), SHA-256-crypt
// ($5$) and SHA-512-crypt ($6$), as /etc/shadow, LDAP and many PHP and
// Python applications store them. Kratos imports them under the prefixes
// $md5-crypt$, $sha256-crypt$ and $sha512-crypt$; both spellings are read.
type cryptDigest struct {
	name    string
	scheme  string // "1", "5" or "6"
	rounds  int    // 0: the default (implicit in the string)
	salt    string
	encoded string // the hash part, crypt base64
}

func (d *cryptDigest) Algorithm() string { return d.name }

func (d *cryptDigest) Match(password []byte) bool {
	var got string
	switch d.scheme {
	case "1":
		got = md5Crypt(password, []byte(d.salt))
	case "5":
		got = shaCrypt(sha256.New, password, []byte(d.salt), d.rounds, sha256Order)
	case "6":
		got = shaCrypt(sha512.New, password, []byte(d.salt), d.rounds, sha512Order)
	}
	return constantTimeEqual([]byte(got), []byte(d.encoded))
}

var cryptSchemes = map[string]struct{ scheme, name string }{
	"md5-crypt": {"1", "md5-crypt"}, "1": {"1", "md5-crypt"},
	"sha256-crypt": {"5", "sha256-crypt"}, "5": {"5", "sha256-crypt"},
	"sha512-crypt": {"6", "sha512-crypt"}, "6": {"6", "sha512-crypt"},
}

// parseCrypt reads $<id>$[rounds=N$]salt$hash.
func parseCrypt(s string) (Digest, error) {
	parts := strings.Split(s, "$")
	if len(parts) < 4 || parts[0] != "" {
		return nil, malformed("crypt", "want $<scheme>$[rounds=N$]salt$hash")
	}
	sc, ok := cryptSchemes[parts[1]]
	if !ok {
		return nil, ErrUnknownFormat
	}
	d := &cryptDigest{name: sc.name, scheme: sc.scheme}
	rest := parts[2:]
	if r, ok := strings.CutPrefix(rest[0], "rounds="); ok && sc.scheme != "1" {
		n, err := strconv.Atoi(r)
		if err != nil {
			return nil, malformed(d.name, "rounds=%q is not a number", r)
		}
		// crypt(3) clamps rounds into 1000..999999999; beyond 10 million
		// every login would take seconds.
		if err := within(d.name, "rounds", int64(n), 1000, 10_000_000); err != nil {
			return nil, err
		}
		d.rounds, rest = n, rest[1:]
	}
	if len(rest) != 2 {
		return nil, malformed(d.name, "want $<scheme>$[rounds=N$]salt$hash")
	}
	d.salt, d.encoded = rest[0], rest[1]
	maxSalt, wantLen := 16, map[string]int{"1": 22, "5": 43, "6": 86}[sc.scheme]
	if sc.scheme == "1" {
		maxSalt = 8
	}
	if len(d.salt) > maxSalt {
		d.salt = d.salt[:maxSalt] // as crypt(3): longer salts are truncated
	}
	if len(d.encoded) != wantLen || strings.Trim(d.encoded, cryptAlphabet) != "" {
		return nil, malformed(d.name, "hash must be %d characters of crypt's base64", wantLen)
	}
	if d.rounds == 0 {
		d.rounds = 5000
	}
	return d, nil
}

// cryptAlphabet is crypt(3)'s base64 alphabet.
const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// b64From24 appends n characters encoding the 24-bit group b2 b1 b0, least
// significant six bits first.
func b64From24(out []byte, b2, b1, b0 byte, n int) []byte {
	w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
	for ; n > 0; n-- {
		out = append(out, cryptAlphabet[w&0x3f])
		w >>= 6
	}
	return out
}

// The byte order of the final encodings (Drepper, "Unix crypt using
// SHA-256 and SHA-512", steps 22; md5-crypt as in FreeBSD's original).
var (
	sha256Order = [][3]int{{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14}, {15, 25, 5},
		{6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29}}
	sha512Order = [][3]int{{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26},
		{6, 27, 48}, {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54},
		{34, 55, 13}, {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19},
		{62, 20, 41}}
	md5Order = [][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}}
)

// shaCrypt is SHA-crypt's key derivation and encoding (Drepper's spec).
func shaCrypt(newHash func() hash.Hash, p, s []byte, rounds int, order [][3]int) string {
	h := newHash()
	size := h.Size()
	// B = H(P S P)
	h.Write(p)
	h.Write(s)
	h.Write(p)
	b := h.Sum(nil)
	// A = H(P S B-repeated-to-len(P) bits-of-len(P)-choose-B-or-P)
	h.Reset()
	h.Write(p)
	h.Write(s)
	for n := len(p); n > 0; n -= size {
		h.Write(b[:min(n, size)])
	}
	for n := len(p); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write(b)
		} else {
			h.Write(p)
		}
	}
	a := h.Sum(nil)
	// P-sequence: H(P repeated len(P) times), stretched to len(P).
	h.Reset()
	for range len(p) {
		h.Write(p)
	}
	dp := h.Sum(nil)
	pseq := make([]byte, 0, len(p))
	for n := len(p); n > 0; n -= size {
		pseq = append(pseq, dp[:min(n, size)]...)
	}
	// S-sequence: H(S repeated 16+A[0] times), cut to len(S).
	h.Reset()
	for range 16 + int(a[0]) {
		h.Write(s)
	}
	ds := h.Sum(nil)
	sseq := make([]byte, 0, len(s))
	for n := len(s); n > 0; n -= size {
		sseq = append(sseq, ds[:min(n, size)]...)
	}
	c := a
	for i := range rounds {
		h.Reset()
		if i&1 != 0 {
			h.Write(pseq)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(sseq)
		}
		if i%7 != 0 {
			h.Write(pseq)
		}
		if i&1 != 0 {
			h.Write(c)
		} else {
			h.Write(pseq)
		}
		c = h.Sum(c[:0])
	}
	out := make([]byte, 0, 86)
	for _, o := range order {
		out = b64From24(out, c[o[0]], c[o[1]], c[o[2]], 4)
	}
	if size == 32 {
		out = b64From24(out, 0, c[31], c[30], 3)
	} else {
		out = b64From24(out, 0, 0, c[63], 2)
	}
	return string(out)
}

// md5Crypt is Poul-Henning Kamp's MD5-based crypt ($1$).
func md5Crypt(p, s []byte) string {
	h := md5.New()
	h.Write(p)
	h.Write(s)
	h.Write(p)
	final := h.Sum(nil)
	h.Reset()
	h.Write(p)
	h.Write([]byte("$1$"))
	h.Write(s)
	for n := len(p); n > 0; n -= 16 {
		h.Write(final[:min(n, 16)])
	}
	for n := len(p); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(p[:1])
		}
	}
	final = h.Sum(nil)
	for i := range 1000 {
		h.Reset()
		if i&1 != 0 {
			h.Write(p)
		} else {
			h.Write(final)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i&1 != 0 {
			h.Write(final)
		} else {
			h.Write(p)
		}
		final = h.Sum(final[:0])
	}
	out := make([]byte, 0, 22)
	for _, o := range md5Order {
		out = b64From24(out, final[o[0]], final[o[1]], final[o[2]], 4)
	}
	return string(b64From24(out, 0, 0, final[11], 2))
}

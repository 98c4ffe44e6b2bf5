package hash

import (
	"crypto/md5"  //nolint:gosec // verifying imported legacy hashes only
	"crypto/sha1" //nolint:gosec // verifying imported legacy hashes only
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strings"
)

// templated is a single unsalted digest over a template in which {SALT}
// and {PASSWORD} are substituted: Kratos's $sha*$ and salted $md5$ formats.
type templated struct {
	name     string
	h        func() hash.Hash
	template string // empty: the password alone
	salt     []byte
	sum      []byte
}

func (d *templated) Algorithm() string { return d.name }

func (d *templated) Match(password []byte) bool {
	in := password
	if d.template != "" {
		in = []byte(strings.NewReplacer("{SALT}", string(d.salt), "{PASSWORD}", string(password)).Replace(d.template))
	}
	h := d.h()
	h.Write(in)
	return constantTimeEqual(h.Sum(nil), d.sum)
}

var shaHashes = map[string]func() hash.Hash{"sha1": sha1.New, "sha256": sha256.New, "sha512": sha512.New, "md5": md5.New}

// parseSaltedSHA reads $sha1|sha256|sha512$pf=<format>$<salt>$<hash>, where
// the format (base64) is a template such as {SALT}{PASSWORD}.
func parseSaltedSHA(s string) (Digest, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 5 || parts[0] != "" {
		return nil, malformed(strings.Trim(parts[1], "$"), "want $<sha>$pf=<format>$salt$hash")
	}
	return parseTemplated(parts[1], parts[2], parts[3], parts[4])
}

// parseMD5 reads $md5$<hash> (unsalted) or $md5$pf=<format>$<salt>$<hash>.
func parseMD5(s string) (Digest, error) {
	parts := strings.Split(s, "$")
	switch {
	case len(parts) == 3 && parts[0] == "":
		sum, err := decodeB64(parts[2])
		if err != nil || len(sum) != md5.Size {
			return nil, malformed("md5", "hash is not base64 of 16 bytes")
		}
		return &templated{name: "md5", h: md5.New, sum: sum}, nil
	case len(parts) == 5 && parts[0] == "":
		return parseTemplated("md5", parts[2], parts[3], parts[4])
	}
	return nil, malformed("md5", "want $md5$hash or $md5$pf=<format>$salt$hash")
}

func parseTemplated(name, pf, salt64, sum64 string) (Digest, error) {
	h := shaHashes[name]
	tmpl64, ok := strings.CutPrefix(pf, "pf=")
	if !ok {
		return nil, malformed(name, "the second field must be pf=<base64 format>")
	}
	tmpl, err := decodeB64(tmpl64)
	if err != nil || !strings.Contains(string(tmpl), "{PASSWORD}") {
		return nil, malformed(name, "pf must be base64 of a format containing {PASSWORD}")
	}
	salt, err := decodeB64(salt64)
	if err != nil {
		return nil, malformed(name, "salt is not base64")
	}
	sum, err := decodeB64(sum64)
	if err != nil || len(sum) != h().Size() {
		return nil, malformed(name, "hash is not base64 of %d bytes", h().Size())
	}
	return &templated{name: name, h: h, template: string(tmpl), salt: salt, sum: sum}, nil
}

// ssha is the LDAP salted SHA scheme: base64(digest(password || salt) || salt).
type ssha struct {
	name string
	h    func() hash.Hash
	sum  []byte
	salt []byte
}

func (d *ssha) Algorithm() string { return d.name }

func (d *ssha) Match(password []byte) bool {
	h := d.h()
	h.Write(password)
	h.Write(d.salt)
	return constantTimeEqual(h.Sum(nil), d.sum)
}

// parseSSHA reads {SSHA}, {SSHA256} and {SSHA512} values as OpenLDAP's
// slappasswd writes them.
func parseSSHA(s string) (Digest, error) {
	tag, rest, _ := strings.Cut(strings.TrimPrefix(s, "{"), "}")
	h := map[string]func() hash.Hash{"SSHA": sha1.New, "SSHA256": sha256.New, "SSHA512": sha512.New}[tag]
	raw, err := decodeB64(rest)
	size := h().Size()
	if err != nil || len(raw) <= size {
		return nil, malformed(tag, "value is not base64 of a %d-byte digest followed by a salt", size)
	}
	return &ssha{name: strings.ToLower(tag), h: h, sum: raw[:size], salt: raw[size:]}, nil
}

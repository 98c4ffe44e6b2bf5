package hash

import (
	"crypto/aes"
	"crypto/cipher"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// firescrypt is Firebase Authentication's modified scrypt: the scrypt key
// of password and salt||separator encrypts the project's signer key with
// AES-256-CTR (zero IV); the ciphertext is the stored hash.
type firescrypt struct {
	logN, r, p int
	salt       []byte
	sep        []byte
	hash       []byte
	signerKey  []byte
}

func (d *firescrypt) Algorithm() string { return "firescrypt" }

func (d *firescrypt) Match(password []byte) bool {
	key, err := scrypt.Key(password, append(append([]byte{}, d.salt...), d.sep...), 1<<d.logN, d.r, d.p, 32)
	if err != nil {
		return false
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return false
	}
	out := make([]byte, len(d.signerKey))
	cipher.NewCTR(block, make([]byte, aes.BlockSize)).XORKeyStream(out, d.signerKey)
	return constantTimeEqual(out, d.hash)
}

// parseFirescrypt reads Kratos's import form of a Firebase export:
// $firescrypt$ln=<mem_cost>,r=<rounds>,p=<p>$<salt>$<hash>$<salt separator>$<signer key>.
// Here ln is the base-2 logarithm of N, as Firebase's mem_cost is.
func parseFirescrypt(s string) (Digest, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 7 || parts[0] != "" {
		return nil, malformed("firescrypt", "want $firescrypt$ln=…,r=…,p=…$salt$hash$separator$signer-key")
	}
	ps, err := phcParams("firescrypt", parts[2], "ln", "r", "p")
	if err != nil {
		return nil, err
	}
	if err := within("firescrypt", "ln", ps["ln"], 1, 20); err != nil {
		return nil, err
	}
	if err := within("firescrypt", "r", ps["r"], 1, 64); err != nil {
		return nil, err
	}
	if err := within("firescrypt", "p", ps["p"], 1, 64); err != nil {
		return nil, err
	}
	if 128*(int64(1)<<ps["ln"])*ps["r"] > 1<<30 {
		return nil, malformed("firescrypt", "N·r needs more than 1 GiB of memory")
	}
	var fields [4][]byte
	for k, name := range []string{"salt", "hash", "salt separator", "signer key"} {
		b, err := decodeB64(parts[3+k])
		if err != nil {
			return nil, malformed("firescrypt", "%s is not base64", name)
		}
		fields[k] = b
	}
	if len(fields[1]) == 0 || len(fields[1]) != len(fields[3]) {
		return nil, malformed("firescrypt", "hash and signer key must have the same, non-zero length")
	}
	return &firescrypt{logN: int(ps["ln"]), r: int(ps["r"]), p: int(ps["p"]),
		salt: fields[0], hash: fields[1], sep: fields[2], signerKey: fields[3]}, nil
}

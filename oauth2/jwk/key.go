package jwk

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"io"
	"time"

	"github.com/go-jose/go-jose/v3"
)

// The key sets, named as Hydra names them.
const (
	IDTokenSet     = "hydra.openid.id-token"
	AccessTokenSet = "hydra.jwt.access-token"
)

// Sets are the sets Cerberus signs with and publishes.
var Sets = []string{IDTokenSet, AccessTokenSet}

// Algorithms Cerberus generates keys for.
var Algorithms = []string{"RS256", "ES256", "EdDSA"}

// Key is one signing key.
type Key struct {
	Set, KID, Alg, Use string
	// Private is nil for keys imported without their private half.
	Private   crypto.Signer
	Public    jose.JSONWebKey
	CreatedAt time.Time
	// RetiredAt is set once a newer key of the same algorithm signs;
	// PublishUntil is when the key leaves the JWKS.
	RetiredAt, PublishUntil *time.Time
}

// Generate creates a key for alg. rsaBits applies to RS256.
func Generate(alg string, rsaBits int, rand io.Reader) (crypto.Signer, error) {
	switch alg {
	case "RS256":
		k, err := rsa.GenerateKey(rand, rsaBits)
		if err != nil {
			return nil, err
		}
		k.Precompute()
		return k, nil
	case "ES256":
		return ecdsa.GenerateKey(elliptic.P256(), rand)
	case "EdDSA":
		_, k, err := ed25519.GenerateKey(rand)
		return k, err
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, alg)
}

// publicJWK returns the public JWK of priv.
func publicJWK(priv crypto.Signer, kid, alg, use string) jose.JSONWebKey {
	return jose.JSONWebKey{Key: priv.Public(), KeyID: kid, Algorithm: alg, Use: use}
}

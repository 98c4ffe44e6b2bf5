package oauth2_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v3"
	"github.com/go-jose/go-jose/v3/jwt"
)

// TestPrivateKeyJWT: a client authenticates with a signed assertion (RFC
// 7523 §2.2, OpenID Connect Core §9) against its registered public key;
// a replayed assertion, one signed by another key, or one for another
// audience is invalid_client.
func TestPrivateKeyJWT(t *testing.T) {
	in := start(t, "")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pub := jose.JSONWebKey{Key: &key.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}
	code, c, _ := adminJSON(t, "POST", in.Admin+"/admin/clients", map[string]any{
		"client_id": "signed-client", "grant_types": []string{"client_credentials"}, "scope": "api",
		"token_endpoint_auth_method": "private_key_jwt", "token_endpoint_auth_signing_alg": "ES256",
		"jwks": jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}},
	})
	if code != 201 || c["client_secret"] != nil {
		t.Fatalf("create: %d %v", code, c)
	}
	tokenURL := in.Public + "/oauth2/token"
	assertion := func(k *ecdsa.PrivateKey, aud, jti string) string {
		s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: k, KeyID: "k1"}}, nil)
		now := time.Now()
		raw, err := jwt.Signed(s).Claims(jwt.Claims{Issuer: "signed-client", Subject: "signed-client", Audience: jwt.Audience{aud},
			ID: jti, IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Minute))}).CompactSerialize()
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	send := func(a string) (int, map[string]any) {
		return postForm(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "scope": {"api"}, "client_id": {"signed-client"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {a}}, "", "")
	}
	good := assertion(key, tokenURL, "jti-1")
	if code, body := send(good); code != 200 || body["access_token"] == nil {
		t.Fatalf("assertion: %d %v", code, body)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for name, a := range map[string]string{
		"replayed":           good,
		"signed by another":  assertion(other, tokenURL, "jti-2"),
		"for another server": assertion(key, "https://elsewhere.example/token", "jti-3"),
	} {
		if code, body := send(a); code != 401 || body["error"] != "invalid_client" {
			t.Errorf("%s assertion: %d %v", name, code, body)
		}
	}
}

package oauth2_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// Instances answer client lookups on the token endpoint from memory while
// they hear about client changes. A change made on another instance must
// still take effect there at once: the old secret of a rotated client and
// a deleted client are refused on the next request (within the moment the
// notification takes to arrive), never for as long as a cache entry lives.
func TestClientChangesReachOtherInstancesAtOnce(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	a := testbin.Start(t, testbin.Options{DSN: dsn, Config: baseConfig})
	b := testbin.Start(t, testbin.Options{DSN: dsn, Config: baseConfig})
	created := listing(t, cli(t, a, "clients", "create", "--name", "m2m", "--grant-type", "client_credentials",
		"--scope", "location:read", "--token-endpoint-auth-method", "client_secret_basic"))
	id, oldSecret := created["CLIENT ID"], created["CLIENT SECRET"]

	token := func(in *testbin.Instance, secret string) int {
		code, _ := postForm(t, in.Public+"/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"location:read"}}, id, secret)
		return code
	}
	// Warm b's cache: these are answered from memory afterwards.
	for range 3 {
		if code := token(b, oldSecret); code != 200 {
			t.Fatalf("token on b: %d", code)
		}
	}

	// Rotate the secret on a: a PATCH adding client_secret sets a new one.
	code, body, _ := adminJSON(t, "PATCH", a.Admin+"/admin/clients/"+id,
		[]map[string]any{{"op": "add", "path": "/client_secret", "value": "a-brand-new-secret-0123456789"}})
	if code != 200 {
		t.Fatalf("rotating the secret: %d %v", code, body)
	}
	withinASecond(t, "the old secret is accepted on b", func() bool { return token(b, oldSecret) == 401 })
	if code := token(b, "a-brand-new-secret-0123456789"); code != 200 {
		t.Fatalf("the new secret on b: %d", code)
	}

	// Delete on a; b refuses the client.
	if code, _, _ := adminJSON(t, "DELETE", a.Admin+"/admin/clients/"+id, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	withinASecond(t, "the deleted client is accepted on b", func() bool { return token(b, "a-brand-new-secret-0123456789") == 401 })
}

// withinASecond gives a notification its moment to arrive (a second is
// generous) and fails if done() is still false by then.
func withinASecond(t *testing.T, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: still so a second after the change", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A key rotation on one instance is published by the others at once: their
// JWKS carries the new key and they sign with it, without waiting for the
// minute's reload.
func TestKeyRotationReachesOtherInstancesAtOnce(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	a := testbin.Start(t, testbin.Options{DSN: dsn, Config: baseConfig})
	b := testbin.Start(t, testbin.Options{DSN: dsn, Config: baseConfig})
	kids := func(in *testbin.Instance) []string {
		var jwks struct{ Keys []struct{ Kid string } }
		getJSON(t, in.Public+"/.well-known/jwks.json", &jwks)
		var out []string
		for _, k := range jwks.Keys {
			out = append(out, k.Kid)
		}
		return out
	}
	before := len(kids(b))
	cli(t, a, "keys", "rotate")
	withinASecond(t, "b's JWKS lacks the new keys", func() bool { return len(kids(b)) == before+2 })
}

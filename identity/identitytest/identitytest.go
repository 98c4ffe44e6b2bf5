package identitytest

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/hash"
	"github.com/cerberus-iam/cerberus/identity/schema"
)

// Seed000Schema is the identity schema of seed 000 (email + full_name +
// phone_number), as its author pasted it.
func Seed000Schema(t testing.TB) []byte {
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "schema", "testdata", "seed000.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Registry has "default" (seed 000, from a base64:// URL) and "email"
// (preset://email).
func Registry(t testing.TB) *schema.Registry {
	t.Helper()
	r, err := schema.Load(context.Background(), []schema.Source{
		{ID: "default", URL: "base64://" + base64.StdEncoding.EncodeToString(Seed000Schema(t))},
		{ID: "email", URL: "preset://email"},
	}, "default", nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Hasher is a cheap argon2id hasher for tests.
func Hasher(t testing.TB) *hash.Hasher {
	h, err := hash.New(hash.Config{Argon2: hash.Argon2Params{Memory: 64, Iterations: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// NewService returns a Service on pool with Registry and Hasher.
func NewService(t testing.TB, pool *pgxpool.Pool) *identity.Service {
	return identity.New(identity.Config{Pool: pool, Schemas: Registry(t), Hasher: Hasher(t), PublicBaseURL: "http://127.0.0.1:4433/"})
}

package jwk

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"

	"github.com/go-jose/go-jose/v3"
)

// Ring is an immutable view of the published keys. A new Ring replaces the
// old one atomically on every change, so request paths read keys without
// locks and without touching the database.
type Ring struct {
	// Version increases with every reload that changed anything.
	Version uint64
	keys    []*Key
	// signing[set][alg] is the newest non-retired key with a private half.
	signing map[string]map[string]*Key
	byKID   map[string]map[string]*Key // set → kid → key
	// jwks is the public JWKS of every set Cerberus signs with.
	jwks     []byte
	jwksETag string
	algs     map[string][]string // set → algorithms with a signing key
}

func newRing(keys []*Key, version uint64) *Ring {
	r := &Ring{
		Version: version, keys: keys,
		signing: map[string]map[string]*Key{},
		byKID:   map[string]map[string]*Key{},
		algs:    map[string][]string{},
	}
	var pub []jose.JSONWebKey
	for _, k := range keys {
		if r.byKID[k.Set] == nil {
			r.byKID[k.Set] = map[string]*Key{}
			r.signing[k.Set] = map[string]*Key{}
		}
		r.byKID[k.Set][k.KID] = k
		// keys arrive oldest first: a later one wins.
		if k.RetiredAt == nil && k.Private != nil {
			if _, ok := r.signing[k.Set][k.Alg]; !ok {
				r.algs[k.Set] = append(r.algs[k.Set], k.Alg)
			}
			r.signing[k.Set][k.Alg] = k
		}
		if isBroadcast(k.Set) {
			pub = append(pub, k.Public)
		}
	}
	if pub == nil {
		pub = []jose.JSONWebKey{}
	}
	r.jwks, _ = json.Marshal(jose.JSONWebKeySet{Keys: pub})
	sum := sha256.Sum256(r.jwks)
	r.jwksETag = `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
	return r
}

func isBroadcast(set string) bool { return set == IDTokenSet || set == AccessTokenSet }

// Signing returns the key that signs for set with alg, or nil.
func (r *Ring) Signing(set, alg string) *Key { return r.signing[set][alg] }

// Lookup returns the published key kid of set, or nil.
func (r *Ring) Lookup(set, kid string) *Key { return r.byKID[set][kid] }

// Algorithms returns the algorithms set can sign with.
func (r *Ring) Algorithms(set string) []string { return r.algs[set] }

// JWKS returns the precomputed public JWKS document and its ETag.
func (r *Ring) JWKS() ([]byte, string) { return r.jwks, r.jwksETag }

// Set returns the public keys of one set, newest last.
func (r *Ring) Set(set string) []jose.JSONWebKey {
	out := []jose.JSONWebKey{}
	for _, k := range r.keys {
		if k.Set == set {
			out = append(out, k.Public)
		}
	}
	return out
}

// Keys returns every published key.
func (r *Ring) Keys() []*Key { return r.keys }

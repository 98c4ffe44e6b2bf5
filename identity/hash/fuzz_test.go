package hash

import "testing"

// FuzzParse: no input may panic the parsers, and whatever parses must be
// safe to Match against.
func FuzzParse(f *testing.F) {
	for _, fx := range fixtures {
		f.Add(fx.hash)
	}
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Add("{SSHA}")
	f.Add("$hmac-$$")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		// Cheap formats only: a fuzzer-found argon2/scrypt within bounds
		// can still be slow.
		switch d.(type) {
		case *templated, *ssha, *hmacDigest:
			d.Match([]byte("password"))
		}
	})
}

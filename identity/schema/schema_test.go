package schema

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func load(t *testing.T, sources ...Source) *Registry {
	t.Helper()
	r, err := Load(context.Background(), sources, sources[0].ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fileURL(t *testing.T, name string) string {
	abs, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return "file://" + abs
}

// The seed-000 user pastes their schema base64-encoded into
// identity.schemas[].url: it must load and behave as Kratos's does.
func TestSeed000SchemaFromBase64(t *testing.T) {
	raw, err := os.ReadFile("testdata/seed000.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	r := load(t, Source{ID: "default", URL: "base64://" + base64.StdEncoding.EncodeToString(raw)})
	s := r.Default()
	if s.PathID() != "ZGVmYXVsdA" {
		t.Errorf("PathID = %q, want Kratos's ZGVmYXVsdA", s.PathID())
	}

	x, err := s.Validate([]byte(`{"email":"Jane@Example.org","full_name":"Jane Doe","phone_number":"+4930901820"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Extracted{
		PasswordIdentifiers: []string{"Jane@Example.org"},
		Verifiable:          []Address{{Via: "email", Value: "Jane@Example.org"}},
		Recovery:            []Address{{Via: "email", Value: "Jane@Example.org"}},
	}
	if !reflect.DeepEqual(x, want) {
		t.Errorf("Extracted = %+v, want %+v", x, want)
	}

	// Every failing trait is reported, each at its own path.
	_, err = s.Validate([]byte(`{"email":"not-an-email","phone_number":"12","nickname":"x"}`))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %v", err)
	}
	got := map[string]string{}
	for _, v := range ve.Violations {
		got[v.Pointer] = v.Keyword
	}
	wantV := map[string]string{
		"/traits/email":        "format",
		"/traits/full_name":    "required",
		"/traits/phone_number": "format",
		"/traits/nickname":     "additionalProperties",
	}
	if !reflect.DeepEqual(got, wantV) {
		t.Errorf("violations = %v, want %v (%v)", got, wantV, ve.Violations)
	}
}

func TestExtensionSemantics(t *testing.T) {
	s := load(t, Source{ID: "multi", URL: fileURL(t, "multi.schema.json")}).Default()
	x, err := s.Validate([]byte(`{
		"emails": ["a@example.org", "b@example.org", "a@example.org"],
		"username": "jane",
		"phone": "+1 202-555-0100",
		"contact": "c@example.org"
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Extracted{
		// Arrays of identifiers through $ref; duplicates collapse.
		PasswordIdentifiers: []string{"a@example.org", "b@example.org", "jane"},
		WebAuthnIdentifiers: []string{"jane"},
		CodeIdentifiers: []CodeIdentifier{
			{Via: "email", Value: "a@example.org"}, {Via: "email", Value: "b@example.org"},
			{Via: "sms", Value: "+1 202-555-0100"},
		},
		PasskeyDisplayName: "jane",
		TOTPAccountName:    "jane",
		Verifiable: []Address{
			{Via: "email", Value: "a@example.org"}, {Via: "email", Value: "b@example.org"},
			{Via: "sms", Value: "+1 202-555-0100"},
		},
		// anyOf: the branch that accepted the value contributes.
		// (Keys are walked in sorted order: contact before emails.)
		Recovery: []Address{
			{Via: "email", Value: "c@example.org"},
			{Via: "email", Value: "a@example.org"}, {Via: "email", Value: "b@example.org"},
		},
	}
	if !reflect.DeepEqual(x, want) {
		t.Errorf("Extracted =\n%+v\nwant\n%+v", x, want)
	}

	// The non-email anyOf branch marks nothing.
	x, err = s.Validate([]byte(`{"emails":["a@example.org"],"username":"jane","contact":7}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Recovery) != 1 {
		t.Errorf("recovery = %v, want only the email from emails[]", x.Recovery)
	}
}

func TestValidateBadTraits(t *testing.T) {
	s := load(t, Source{ID: "multi", URL: fileURL(t, "multi.schema.json")}).Default()
	for name, tc := range map[string]struct {
		traits string
		ptrs   []string
	}{
		"not an object": {`["a"]`, []string{"/traits"}},
		"not JSON":      {`{"emails":`, []string{"/traits"}},
		"wrong types":   {`{"emails":"a@example.org","username":5}`, []string{"/traits/emails", "/traits/username"}},
		"nested item":   {`{"emails":["ok@example.org","nope"],"username":"jane"}`, []string{"/traits/emails/1"}},
		"all missing":   {`{}`, []string{"/traits/emails", "/traits/username"}},
		"minimum":       {`{"emails":["a@example.org"],"username":"jane","age":-1}`, []string{"/traits/age"}},
		"empty body":    {``, []string{"/traits/emails", "/traits/username"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Validate([]byte(tc.traits))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want *ValidationError, got %v", err)
			}
			var ptrs []string
			for _, v := range ve.Violations {
				ptrs = append(ptrs, v.Pointer)
			}
			if !reflect.DeepEqual(ptrs, tc.ptrs) {
				t.Errorf("pointers = %v, want %v (%v)", ptrs, tc.ptrs, ve.Violations)
			}
		})
	}
}

func TestLoadSources(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/s.json" {
			http.NotFound(w, r)
			return
		}
		b, _ := os.ReadFile("testdata/multi.schema.json")
		w.Write(b)
	}))
	defer srv.Close()

	r, err := Load(ctx, []Source{
		{ID: "default", URL: "preset://email"},
		{ID: "user", URL: "preset://username"},
		{ID: "remote", URL: srv.URL + "/s.json"},
		{ID: "file", URL: fileURL(t, "seed000.schema.json")},
	}, "default", &Fetcher{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.All()) != 4 {
		t.Fatalf("All() = %d schemas", len(r.All()))
	}
	if s, err := r.GetByPathID("dXNlcg"); err != nil || s.ID != "user" {
		t.Errorf("GetByPathID(base64url of user) = %v, %v", s, err)
	}
	if _, err := r.Get("nope"); !errors.Is(err, ErrUnknown) {
		t.Errorf("Get(nope) = %v", err)
	}
	x, err := r.Default().Validate([]byte(`{"email":"x@example.org"}`))
	if err != nil || len(x.PasswordIdentifiers) != 1 || x.TOTPAccountName != "x@example.org" {
		t.Errorf("preset email: %+v, %v", x, err)
	}

	for name, tc := range map[string]struct {
		sources []Source
		def     string
		want    string
	}{
		"unknown default":  {[]Source{{ID: "a", URL: "preset://email"}}, "b", "default_schema_id"},
		"duplicate id":     {[]Source{{ID: "a", URL: "preset://email"}, {ID: "a", URL: "preset://email"}}, "a", "used twice"},
		"missing file":     {[]Source{{ID: "a", URL: "file:///nonexistent/x.json"}}, "a", "no such file"},
		"bad base64":       {[]Source{{ID: "a", URL: "base64://!!!"}}, "a", "base64"},
		"not json":         {[]Source{{ID: "a", URL: "base64://" + base64.StdEncoding.EncodeToString([]byte("nope"))}}, "a", "JSON"},
		"no traits":        {[]Source{{ID: "a", URL: "base64://" + base64.StdEncoding.EncodeToString([]byte(`{"type":"object"}`))}}, "a", "traits"},
		"unknown preset":   {[]Source{{ID: "a", URL: "preset://nope"}}, "a", "preset"},
		"http 404":         {[]Source{{ID: "a", URL: srv.URL + "/missing.json"}}, "a", "404"},
		"typo in keyword":  {[]Source{{ID: "a", URL: "base64://" + base64.StdEncoding.EncodeToString([]byte(`{"properties":{"traits":{"type":"object","properties":{"e":{"type":"string","ory.sh/kratos":{"credentials":{"password":{"identifer":true}}}}}}}}`))}}, "a", "identifer"},
		"bad verification": {[]Source{{ID: "a", URL: "base64://" + base64.StdEncoding.EncodeToString([]byte(`{"properties":{"traits":{"type":"object","properties":{"e":{"type":"string","ory.sh/kratos":{"verification":{"via":"pigeon"}}}}}}}`))}}, "a", "via"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(ctx, tc.sources, tc.def, &Fetcher{Client: srv.Client()})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

package schema

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// ErrUnknown: no schema has the requested id.
var ErrUnknown = errors.New("identity schema not found")

// Source names one configured schema (identity.schemas[]).
type Source struct {
	ID  string
	URL string
}

// Schema is one loaded, compiled identity schema.
type Schema struct {
	// ID is the configured id ("default").
	ID string
	// URL is where it was loaded from.
	URL string
	// Raw is the document as loaded, served at /schemas/{id}.
	Raw json.RawMessage
	// Compiled is the compiled schema; the self-service head walks it to
	// generate form fields.
	Compiled *jsonschema.Schema
}

// PathID is the id as it appears in schema URLs: base64url without
// padding, as Kratos writes /schemas/ZGVmYXVsdA for "default".
func (s *Schema) PathID() string { return base64.RawURLEncoding.EncodeToString([]byte(s.ID)) }

// Registry holds every configured schema.
type Registry struct {
	byID      map[string]*Schema
	order     []*Schema
	defaultID string
}

// Load fetches and compiles every source. defaultID must name one of them.
// Errors name the schema id and what is wrong.
func Load(ctx context.Context, sources []Source, defaultID string, f *Fetcher) (*Registry, error) {
	if f == nil {
		f = &Fetcher{}
	}
	r := &Registry{byID: map[string]*Schema{}, defaultID: defaultID}
	for i, src := range sources {
		if src.ID == "" {
			return nil, fmt.Errorf("identity.schemas[%d].id: must not be empty", i)
		}
		if _, dup := r.byID[src.ID]; dup {
			return nil, fmt.Errorf("identity.schemas[%d].id: %q is used twice", i, src.ID)
		}
		s, err := compile(ctx, src, f)
		if err != nil {
			return nil, fmt.Errorf("identity.schemas[%d] (%s): %w", i, src.ID, err)
		}
		r.byID[src.ID] = s
		r.order = append(r.order, s)
	}
	if _, ok := r.byID[defaultID]; !ok {
		return nil, fmt.Errorf("identity.default_schema_id: %q is not the id of any identity.schemas entry", defaultID)
	}
	return r, nil
}

func compile(ctx context.Context, src Source, f *Fetcher) (*Schema, error) {
	raw, err := f.Fetch(ctx, src.URL)
	if err != nil {
		return nil, err
	}
	var probe map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&probe); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if err := checkShape(probe); err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.AssertFormat = true
	for name, fn := range formats {
		c.Formats[name] = fn
	}
	c.RegisterExtension(ExtensionKeyword, nil, extCompiler{})
	// $refs to other documents load through the same fetcher (file,
	// base64, https, preset), never through the library's global loader.
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		b, err := f.Fetch(ctx, u)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	// The resource URL only names the document; $id inside it, when set,
	// is the base for relative $refs.
	loc := "cerberus-identity-schema:///" + src.ID + ".json"
	if err := c.AddResource(loc, bytes.NewReader(raw)); err != nil {
		return nil, err
	}
	cs, err := c.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("compiling: %s", strings.ReplaceAll(err.Error(), loc, "schema"))
	}
	return &Schema{ID: src.ID, URL: src.URL, Raw: json.RawMessage(raw), Compiled: cs}, nil
}

// checkShape enforces what Kratos requires of an identity schema:
// properties.traits exists and is an object schema.
func checkShape(doc map[string]any) error {
	props, _ := doc["properties"].(map[string]any)
	traits, ok := props["traits"].(map[string]any)
	if !ok {
		return fmt.Errorf(`the schema must declare "properties": {"traits": {...}}`)
	}
	if t, ok := traits["type"]; ok && t != "object" {
		return fmt.Errorf(`properties.traits must have "type": "object"`)
	}
	return nil
}

// Get returns the schema with id, or ErrUnknown.
func (r *Registry) Get(id string) (*Schema, error) {
	if s, ok := r.byID[id]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknown, id)
}

// GetByPathID finds a schema by its id or by its base64url path form.
func (r *Registry) GetByPathID(p string) (*Schema, error) {
	if s, ok := r.byID[p]; ok {
		return s, nil
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(p, "=")); err == nil {
		if s, ok := r.byID[string(b)]; ok {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknown, p)
}

// Default returns the schema named by identity.default_schema_id.
func (r *Registry) Default() *Schema { return r.byID[r.defaultID] }

// All returns the schemas in configuration order.
func (r *Registry) All() []*Schema { return r.order }

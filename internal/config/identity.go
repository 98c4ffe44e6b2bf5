package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Identity is Kratos's identity section.
type Identity struct {
	// DefaultSchemaID names the schema of identities created without one.
	DefaultSchemaID string `json:"default_schema_id,omitempty"`
	// Schemas are the identity schemas; without any, "default" is
	// preset://email.
	Schemas []IdentitySchema `json:"schemas,omitempty"`
}

// IdentitySchema is one identity.schemas entry.
type IdentitySchema struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// Session is Kratos's session section.
type Session struct {
	// Lifespan of a session after login or extension (default 24h).
	Lifespan Duration `json:"lifespan,omitempty"`
	// EarliestPossibleExtend: extensions only apply within this window
	// before expiry; zero means any time.
	EarliestPossibleExtend Duration      `json:"earliest_possible_extend,omitempty"`
	Cookie                 SessionCookie `json:"cookie"`
	Whoami                 SessionWhoami `json:"whoami"`
}

// SessionCookie shapes the session cookie; empty fields fall back to the
// cookies section.
type SessionCookie struct {
	Name     string `json:"name,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Path     string `json:"path,omitempty"`
	SameSite string `json:"same_site,omitempty"`
	// Persistent (default true): the cookie expires with the session
	// instead of with the browser.
	Persistent *bool `json:"persistent,omitempty"`
}

// IsPersistent reports session.cookie.persistent (default true).
func (c SessionCookie) IsPersistent() bool { return c.Persistent == nil || *c.Persistent }

// SessionWhoami configures /sessions/whoami.
type SessionWhoami struct {
	// RequiredAAL: aal1, or highest_available (default).
	RequiredAAL string `json:"required_aal,omitempty"`
}

// Hashers is Kratos's hashers section.
type Hashers struct {
	// Algorithm for new hashes: argon2 (argon2id, default) or bcrypt.
	Algorithm string       `json:"algorithm,omitempty"`
	Argon2    Argon2Hasher `json:"argon2"`
	Bcrypt    BcryptHasher `json:"bcrypt"`
}

// Argon2Hasher are argon2id's parameters. The defaults are OWASP's first
// recommendation: 19 MiB, 2 iterations, 1 lane.
type Argon2Hasher struct {
	Memory      ByteSize `json:"memory,omitempty"`
	Iterations  uint32   `json:"iterations,omitempty"`
	Parallelism uint8    `json:"parallelism,omitempty"`
	SaltLength  uint32   `json:"salt_length,omitempty"`
	KeyLength   uint32   `json:"key_length,omitempty"`
}

// BcryptHasher is bcrypt's cost (default 12).
type BcryptHasher struct {
	Cost int `json:"cost,omitempty"`
}

func (c *Identity) applyDefaults() {
	if c.DefaultSchemaID == "" {
		c.DefaultSchemaID = "default"
	}
	if len(c.Schemas) == 0 {
		c.Schemas = []IdentitySchema{{ID: c.DefaultSchemaID, URL: "preset://email"}}
	}
}

func (s *Session) applyDefaults(cookies Cookies) {
	if s.Lifespan == 0 {
		s.Lifespan = Duration(24 * time.Hour)
	}
	if s.Cookie.Name == "" {
		s.Cookie.Name = "cerberus_session"
	}
	if s.Cookie.Domain == "" {
		s.Cookie.Domain = cookies.Domain
	}
	if s.Cookie.Path == "" {
		s.Cookie.Path = cookies.Path
	}
	if s.Cookie.SameSite == "" {
		s.Cookie.SameSite = cookies.SameSite
	}
	if s.Whoami.RequiredAAL == "" {
		s.Whoami.RequiredAAL = "highest_available"
	}
}

func (h *Hashers) applyDefaults() {
	if h.Algorithm == "" {
		h.Algorithm = "argon2"
	}
	a := &h.Argon2
	if a.Memory == 0 {
		a.Memory = 19 << 20
	}
	if a.Iterations == 0 {
		a.Iterations = 2
	}
	if a.Parallelism == 0 {
		a.Parallelism = 1
	}
	if a.SaltLength == 0 {
		a.SaltLength = 16
	}
	if a.KeyLength == 0 {
		a.KeyLength = 32
	}
	if h.Bcrypt.Cost == 0 {
		h.Bcrypt.Cost = 12
	}
}

// ByteSize is a size in bytes written as "19MiB" or Kratos's "128MB".
// KB, MB and GB count in 1024s, as Kratos reads them.
type ByteSize uint64

// KiB returns the size in KiB (argon2's unit).
func (b ByteSize) KiB() uint32 { return uint32(b >> 10) }

// MarshalJSON writes the size in the largest whole binary unit.
func (b ByteSize) MarshalJSON() ([]byte, error) {
	n, unit := uint64(b), "B"
	for _, u := range []string{"KiB", "MiB", "GiB"} {
		if n == 0 || n%1024 != 0 {
			break
		}
		n, unit = n/1024, u
	}
	return json.Marshal(strconv.FormatUint(n, 10) + unit)
}

// UnmarshalJSON reads "<digits><unit>".
func (b *ByteSize) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("must be a size such as \"19MiB\" or \"128MB\"")
	}
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i <= 0 {
		return fmt.Errorf("%q is not a size such as \"19MiB\" or \"128MB\"", s)
	}
	n, err := strconv.ParseUint(s[:i], 10, 64)
	mult := map[string]uint64{"B": 1, "KB": 1 << 10, "KiB": 1 << 10, "MB": 1 << 20, "MiB": 1 << 20, "GB": 1 << 30, "GiB": 1 << 30}[s[i:]]
	if err != nil || mult == 0 {
		return fmt.Errorf("%q is not a size such as \"19MiB\" or \"128MB\"", s)
	}
	*b = ByteSize(n * mult)
	return nil
}

package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// ExtensionKeyword is the keyword Kratos reads on trait schemas.
const ExtensionKeyword = "ory.sh/kratos"

// Extension is the ory.sh/kratos keyword on one trait.
type Extension struct {
	Credentials struct {
		Password *struct {
			Identifier bool `json:"identifier"`
		} `json:"password,omitempty"`
		WebAuthn *struct {
			Identifier bool `json:"identifier"`
		} `json:"webauthn,omitempty"`
		Passkey *struct {
			DisplayName bool `json:"display_name"`
		} `json:"passkey,omitempty"`
		TOTP *struct {
			AccountName bool `json:"account_name"`
		} `json:"totp,omitempty"`
		Code *struct {
			Identifier bool   `json:"identifier"`
			Via        string `json:"via"`
		} `json:"code,omitempty"`
	} `json:"credentials"`
	Verification *struct {
		Via string `json:"via"`
	} `json:"verification,omitempty"`
	Recovery *struct {
		Via string `json:"via"`
	} `json:"recovery,omitempty"`
}

// extCompiler turns the keyword into an *Extension attached to the
// compiled schema node (Schema.Extensions[ExtensionKeyword]).
type extCompiler struct{}

func (extCompiler) Compile(_ jsonschema.CompilerContext, m map[string]any) (jsonschema.ExtSchema, error) {
	raw, ok := m[ExtensionKeyword]
	if !ok {
		return nil, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	// Strict: a misspelt "identifer" must be a start-up error, not a login
	// that silently finds nobody.
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var e Extension
	if err := d.Decode(&e); err != nil {
		return nil, fmt.Errorf("%s: %v", ExtensionKeyword, strings.TrimPrefix(err.Error(), "json: "))
	}
	for _, v := range []struct{ where, via string }{
		{"credentials.code.via", e.codeVia()},
		{"verification.via", e.verificationVia()},
		{"recovery.via", e.recoveryVia()},
	} {
		if v.via != "" && v.via != "email" && v.via != "sms" {
			return nil, fmt.Errorf("%s: %s is %q; want email or sms", ExtensionKeyword, v.where, v.via)
		}
	}
	return &e, nil
}

func (e *Extension) codeVia() string {
	if e.Credentials.Code == nil {
		return ""
	}
	return e.Credentials.Code.Via
}

func (e *Extension) verificationVia() string {
	if e.Verification == nil {
		return ""
	}
	return e.Verification.Via
}

func (e *Extension) recoveryVia() string {
	if e.Recovery == nil {
		return ""
	}
	return e.Recovery.Via
}

// Validate implements jsonschema.ExtSchema: the keyword annotates, it does
// not constrain.
func (*Extension) Validate(jsonschema.ValidationContext, any) error { return nil }

// Address is a verification or recovery address derived from a trait.
type Address struct {
	Via   string `json:"via"`
	Value string `json:"value"`
}

// CodeIdentifier is a trait that can receive one-time login codes.
type CodeIdentifier struct {
	Via   string `json:"via"`
	Value string `json:"value"`
}

// Extracted is what the extension derives from a set of traits. Values are
// as written in the traits; the identity package normalises them.
type Extracted struct {
	// PasswordIdentifiers, WebAuthnIdentifiers: traits marked identifier.
	PasswordIdentifiers []string
	WebAuthnIdentifiers []string
	// CodeIdentifiers: traits marked credentials.code.identifier.
	CodeIdentifiers []CodeIdentifier
	// PasskeyDisplayName and TOTPAccountName: the first marked trait.
	PasskeyDisplayName string
	TOTPAccountName    string
	// Verifiable and Recovery addresses, in the order the traits are walked
	// (object keys sorted, array items in order).
	Verifiable []Address
	Recovery   []Address
}

func (x *Extracted) apply(e *Extension, v any) {
	s, ok := scalarString(v)
	if !ok || s == "" {
		return
	}
	c := e.Credentials
	if c.Password != nil && c.Password.Identifier {
		x.PasswordIdentifiers = appendUnique(x.PasswordIdentifiers, s)
	}
	if c.WebAuthn != nil && c.WebAuthn.Identifier {
		x.WebAuthnIdentifiers = appendUnique(x.WebAuthnIdentifiers, s)
	}
	if c.Code != nil && c.Code.Identifier {
		via := c.Code.Via
		if via == "" {
			via = "email"
		}
		ci := CodeIdentifier{Via: via, Value: s}
		if !contains(x.CodeIdentifiers, ci) {
			x.CodeIdentifiers = append(x.CodeIdentifiers, ci)
		}
	}
	if c.Passkey != nil && c.Passkey.DisplayName && x.PasskeyDisplayName == "" {
		x.PasskeyDisplayName = s
	}
	if c.TOTP != nil && c.TOTP.AccountName && x.TOTPAccountName == "" {
		x.TOTPAccountName = s
	}
	if e.Verification != nil && e.Verification.Via != "" {
		a := Address{Via: e.Verification.Via, Value: s}
		if !contains(x.Verifiable, a) {
			x.Verifiable = append(x.Verifiable, a)
		}
	}
	if e.Recovery != nil && e.Recovery.Via != "" {
		a := Address{Via: e.Recovery.Via, Value: s}
		if !contains(x.Recovery, a) {
			x.Recovery = append(x.Recovery, a)
		}
	}
}

// scalarString renders strings and numbers; identifiers are never objects.
func scalarString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t), true
	case json.Number:
		return t.String(), true
	}
	return "", false
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

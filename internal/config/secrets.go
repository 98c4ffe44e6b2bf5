package config

// Secrets holds the secret lists. In each list the first entry signs or
// seals and every entry verifies or opens, so rotation prepends.
type Secrets struct {
	// System seals signing keys and other values at rest.
	System []string `json:"system,omitempty"`
	// Cookie signs cookies and CSRF tokens. Defaults to Default, then System.
	Cookie []string `json:"cookie,omitempty"`
	// Default is Kratos's fallback list; used where Cookie or Cipher are unset.
	Default []string `json:"default,omitempty"`
	// Cipher encrypts third-party tokens kept for identities. Defaults to
	// Default, then System.
	Cipher []string `json:"cipher,omitempty"`
}

// CookieSecrets returns the secrets for cookies and CSRF tokens.
func (s Secrets) CookieSecrets() []string { return firstSet(s.Cookie, s.Default, s.System) }

// CipherSecrets returns the secrets for encrypting stored third-party tokens.
func (s Secrets) CipherSecrets() []string { return firstSet(s.Cipher, s.Default, s.System) }

// SystemSecrets returns the secrets that seal keys at rest.
func (s Secrets) SystemSecrets() []string { return firstSet(s.System, s.Default) }

// Missing reports which of the required secret lists are absent.
func (s Secrets) Missing() []string {
	var out []string
	if len(s.SystemSecrets()) == 0 {
		out = append(out, "secrets.system")
	}
	if len(s.CookieSecrets()) == 0 {
		out = append(out, "secrets.cookie")
	}
	return out
}

func firstSet(lists ...[]string) []string {
	for _, l := range lists {
		if len(l) > 0 {
			return l
		}
	}
	return nil
}

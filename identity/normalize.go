package identity

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NormalizeIdentifier returns the form an identifier of credential type t
// is stored and looked up in. Password, code and webauthn identifiers
// (e-mail addresses, usernames, phone numbers) are trimmed, NFKC-normalised
// and case-folded, so "Jane@Example.org", "jane@example.org" and the same
// address typed with full-width characters are one identifier, as Kratos
// treats "userNAME" and "username" as one. Phone numbers in international
// form become E.164. Other types (oidc "provider:subject") are kept as
// given: upstream subjects are case-sensitive.
func NormalizeIdentifier(t CredentialType, s string) string {
	switch t {
	case CredentialPassword, CredentialCode, CredentialWebAuthn, CredentialPasskey:
		return foldText(s)
	}
	return s
}

// NormalizeAddress returns the stored form of a verification or recovery
// address: case-folded e-mail, E.164 phone numbers.
func NormalizeAddress(via, value string) string {
	if via == "sms" {
		return normalizePhone(value)
	}
	return foldText(value)
}

func foldText(s string) string {
	s = norm.NFKC.String(strings.TrimSpace(s))
	if looksLikePhone(s) {
		return normalizePhone(s)
	}
	// A Caser holds state; one per call keeps this safe for concurrent use.
	return cases.Fold().String(s)
}

// looksLikePhone: "+" followed by digits and the usual separators.
func looksLikePhone(s string) bool {
	if len(s) < 4 || s[0] != '+' {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= '0' && r <= '9' || r == ' ' || r == '-' || r == '.' || r == '(' || r == ')') {
			return false
		}
	}
	return true
}

func normalizePhone(s string) string {
	s = strings.TrimSpace(s)
	n, err := phonenumbers.Parse(s, "")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return s
	}
	return phonenumbers.Format(n, phonenumbers.E164)
}

package schema

import "github.com/nyaruka/phonenumbers"

// formats are the formats Kratos's identity schemas use beyond those the
// validator ships.
var formats = map[string]func(any) bool{
	// tel: a phone number in international form that libphonenumber
	// considers valid, as Kratos checks it. Non-strings pass (type is a
	// separate keyword).
	"tel": func(v any) bool {
		s, ok := v.(string)
		if !ok {
			return true
		}
		n, err := phonenumbers.Parse(s, "")
		return err == nil && phonenumbers.IsValidNumber(n)
	},
	// no-validate: Kratos's escape hatch for verification traits whose
	// format must not be checked.
	"no-validate": func(any) bool { return true },
}

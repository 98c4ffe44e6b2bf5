// Package schema owns identity schemas: JSON Schemas (draft-07, as Kratos
// uses them) describing an identity's traits, with the ory.sh/kratos
// extension keyword that marks which traits are credential identifiers,
// verifiable addresses and recovery addresses.
//
// Load reads the schemas named in identity.schemas from file://, base64://,
// http(s):// or preset:// URLs (preset://email and preset://username are
// embedded), compiles them with santhosh-tekuri/jsonschema, and returns a
// Registry. Schema.Validate checks traits, reporting every failing trait
// (Violation, with its JSON pointer and keyword), and on success returns
// what the extension derives from them (Extracted): password, webauthn and
// code identifiers, the passkey display name, the TOTP account name, and the
// verification and recovery addresses.
//
// Formats asserted: everything the validator knows (email, uri, date,
// date-time, hostname, ipv4, ...), plus "tel" (a number libphonenumber
// accepts as valid, in international form), and "no-validate" (nothing).
//
// Neighbours: the identity package validates traits here before every
// write and turns Extracted into normalised identifiers and addresses;
// the identity API serves Schema.Raw at /schemas/{id}; the self-service
// head will generate form fields from the compiled schema.
package schema

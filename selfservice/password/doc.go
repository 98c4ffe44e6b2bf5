// Package password is the password policy of the self-service flows: a
// minimum (and a maximum) length, a check that the password is not too
// similar to the account's identifier, a bundled offline list of the most
// common breached passwords (breached.txt, generated from the MIT-licensed
// zxcvbn 4.4.2 frequency list by scripts/gen-breached-passwords.sh), and
// optionally the Have I Been Pwned range API, which only ever sees the
// first five hex digits of the password's SHA-1 (k-anonymity). The range
// check is off by default; with ignore_network_errors (the default) an
// unreachable API does not block sign-ups.
//
// A refused password comes back as a text.Message with Kratos's id
// (4000032 too short, 4000031 too similar, 4000034 breached), ready to
// attach to the password field.
//
// Neighbours: selfservice calls Policy.Check in registration and settings.
package password

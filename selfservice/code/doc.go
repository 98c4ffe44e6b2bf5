// Package code keeps the one-time secrets that recovery and verification
// send by e-mail: six-digit codes and link tokens. Only an HMAC of each
// secret is stored (keyed with secrets.system and bound to its purpose and
// flow), so a database dump yields nothing usable and a secret of one
// flow or purpose is worthless in another. A secret is single use and
// expires; a flow takes a limited number of wrong codes and is then dead
// for codes, counted in Postgres so the limit holds across instances and
// concurrent requests.
//
// Neighbours: the recovery and verification flows in package selfservice
// issue and redeem secrets through Store; the migration is
// migrations/*_recovery_verification.sql.
package code

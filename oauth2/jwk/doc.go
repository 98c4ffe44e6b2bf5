// Package jwk owns the signing keys: generation (RS256 2048-bit by default,
// ES256 and EdDSA on request), sealing with secrets.system, storage in
// Postgres (table oauth2_keys), rotation, the in-memory key ring every
// instance signs and verifies with, and the precomputed JWKS.
//
// Keys are created at start under a Postgres advisory lock, so any number
// of instances starting at once create exactly one key per set and
// algorithm, and never on a request's path. Rotation inserts a new key and
// retires the old one, which stays published until every token it signed
// has expired. Instances learn about rotations through LISTEN/NOTIFY (and a
// periodic reload as a fallback).
//
// Two sets, named as Hydra names them: hydra.openid.id-token signs ID
// tokens and logout tokens, hydra.jwt.access-token signs JWT access tokens.
//
// Routes (admin listener):
//
//	GET    /admin/keys/{set}         the set's public keys
//	POST   /admin/keys/{set}         generate a key ({alg, kid, use}); it signs from now on
//	GET    /admin/keys/{set}/{kid}   one public key
//	DELETE /admin/keys/{set}/{kid}   delete a key (tokens it signed stop verifying)
//
// Neighbours: the oauth2 head signs through Signer and serves JWKS bytes;
// cmd/cerberus runs `keys rotate` through Manager.Rotate.
package jwk

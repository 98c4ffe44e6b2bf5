// Package secretbox seals values at rest with keys derived from a secret
// list (secrets.system): the first secret seals, every secret opens, so an
// operator rotates by prepending a new secret and re-sealing at leisure.
// Sealing is XChaCha20-Poly1305 with a random nonce; each secret is
// stretched into a key with HKDF-SHA256 under a purpose label, so the same
// secret yields unrelated keys for unrelated uses. Callers pass associated
// data (for example a row id) to bind a sealed value to where it is stored.
package secretbox

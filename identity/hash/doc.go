// Package hash hashes and verifies passwords.
//
// New passwords are hashed with the configured algorithm: argon2id (the
// default, PHC string format) or bcrypt. Verification understands every
// format Kratos documents for imported credentials, so identities migrated
// from Kratos, LDAP or a legacy database keep their passwords:
//
//	$argon2id$v=19$m=…,t=…,p=…$salt$key     argon2id (also $argon2i$)
//	$2a$ / $2b$ / $2y$ / $2z$                bcrypt
//	$pbkdf2-sha1|sha256|sha512$i=…,l=…$salt$key
//	$scrypt$ln=N,r=…,p=…$salt$key            (ln is N itself, as Kratos writes it)
//	$firescrypt$ln=…,r=…,p=…$salt$hash$separator$signer-key   Firebase's scrypt variant
//	$sha1|sha256|sha512$pf=<format>$salt$hash salted SHA with a {SALT}{PASSWORD} template
//	{SSHA} / {SSHA256} / {SSHA512}           LDAP salted SHA: base64(hash || salt)
//	$md5$hash and $md5$pf=<format>$salt$hash
//	$hmac-md4|md5|sha1|sha224|sha256|sha384|sha512$hex-mac$key
//	$md5-crypt$ / $sha256-crypt$ / $sha512-crypt$ (and crypt(3)'s own $1$ / $5$ / $6$)
//
// Parse checks a hash without a password (the admin API refuses an
// unparseable import up front), Hasher.Verify compares in constant time,
// and Hasher.NeedsRehash tells the login path when a stored hash should be
// replaced by one from the current configuration (transparent upgrade of
// imported or older hashes). Hasher.VerifyAbsent burns the same work as a
// real comparison so a login for an unknown identifier takes as long as one
// for a known identifier.
//
// Hashing is CPU- and memory-hard by design; Hasher bounds how many run at
// once so a burst of logins cannot exhaust memory.
//
// Neighbours: the identity package stores hashes in the password
// credential's config ({"hashed_password": "..."}); nothing here touches
// the database.
package hash

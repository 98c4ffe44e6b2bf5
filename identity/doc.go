// Package identity is the identity head's model and Go API: identities
// whose traits are described by a JSON schema, their credentials and
// addresses, stored in Postgres. Every head that reads or writes identities
// goes through Service, so schema validation, identifier uniqueness and
// address derivation hold whoever writes.
//
// Subpackages: schema (identity schemas, the ory.sh/kratos extension,
// trait validation), hash (password hashing and every Kratos import
// format), session (sessions, tokens, cookies, the whoami lookup), api (the
// public and admin HTTP routes), identitytest (fixtures for other heads'
// tests).
//
// # API for the other heads
//
// Build once in cmd/cerberus (wire_identity.go) and share:
//
//	ids := identity.New(identity.Config{Pool, Schemas, Hasher, PublicBaseURL, Now, Rand})
//	sm  := session.New(session.Config{Pool, Lifespan, EarliestPossibleExtend, RequiredAAL, Cookie, PublicBaseURL, Now, Rand})
//
// Identities (self-service registration, settings, recovery; OAuth2):
//
//	ids.Create(ctx, identity.CreateParams{SchemaID, Traits, Password: &identity.PasswordInput{Password: pw}, ...})
//	    validates the traits (*schema.ValidationError lists every failing
//	    trait), hashes the password outside any transaction, derives
//	    identifiers and addresses, inserts in one transaction. A duplicate
//	    identifier or address is a *identity.ConflictError
//	    (errors.Is(err, storage.ErrAlreadyExists)); of concurrent creates
//	    exactly one wins: the database's unique constraint decides.
//	ids.Get(ctx, id)                       identity with credentials (configs hold hashes: never hand out; use AdminView/PublicJSON)
//	ids.Update(ctx, id, func(*Identity) error)  row-locked read-modify-write; revalidated and re-derived; deactivation ends sessions
//	ids.SetPassword(ctx, id, pw)           hash + store (creates the password credential)
//	ids.FindByIdentifier(ctx, t, s)        identity + credential of type t holding identifier s (normalised here)
//	ids.VerifyPassword(ctx, identifier, pw)
//	    ErrInvalidCredentials for unknown identifiers, identities without
//	    a password and wrong passwords alike, after the same hashing work
//	    (constant time); ErrInactive (with the identity) for a right
//	    password on an inactive identity; on success a hash not made by the
//	    current hashers config (imported bcrypt/pbkdf2/..., older argon2
//	    parameters) is replaced transparently.
//	ids.Delete, ids.List, ids.DeleteCredential, ids.SetCredentials
//	ids.Schemas()                          the schema registry (forms: walk Schema.Compiled; Schema.Validate)
//	identity.NormalizeIdentifier(t, s)     NFKC + trim + case fold (+ E.164 for phone numbers) for password/code/webauthn identifiers
//	(*Identity).PublicJSON(schemaURL)      what the identity may see of itself (userinfo claims read Traits)
//	(*Identity).AdminView(schemaURL, include)
//
// Sessions (self-service login/logout, OAuth2 login bridge, the proxy):
//
//	sm.Issue(ctx, session.IssueParams{IdentityID, Methods: []session.AuthenticationMethod{{Method: "password", AAL: identity.AAL1}}, Device: session.DeviceFromRequest(r, httpx.ClientIP(ctx))})
//	    → session and its token (ory_st_…, 256 bits; only its SHA-256 is stored)
//	sm.SetCookie(w, token, s.ExpiresAt) / sm.ClearCookie(w)    browser flows
//	sm.FromRequest(ctx, r)                 cookie, X-Session-Token or Authorization: Bearer → session with identity; ErrNoSession
//	sm.ByToken(ctx, token)                 the same for a bare token
//	sm.CheckAAL(s)                         session.whoami.required_aal; ErrAAL2Required
//	sm.Whoami(ctx, token) / sm.WhoamiJSON(ctx, token)
//	    the session JSON exactly as GET /sessions/whoami returns it (id,
//	    active, expires_at, authenticated_at, issued_at,
//	    authenticator_assurance_level, authentication_methods, identity,
//	    devices) and the identity id: the proxy's cookie_session source
//	    (cmd/cerberus/adapt_sessions.go adapts it to authn.SessionSource).
//	sm.JSON(s, withIdentity, withDevices)  the same rendering for any loaded session
//	sm.Revoke(ctx, id), sm.RevokeAll(ctx, identityID, keep), sm.RevokeByToken(ctx, token)
//	sm.NewLogoutToken(ctx, id), sm.RevokeByLogoutToken(ctx, identityID, token)   browser logout (ory_lo_…)
//	sm.Extend(ctx, id), sm.List(ctx, session.ListParams{...}), sm.Get(ctx, id)
//
// Nothing is cached: revocation, expiry, identity deactivation and deletion
// apply to the very next request on every instance.
//
// # Storage
//
// identities (with document: the identity's whoami JSON, rewritten by
// every write in the same transaction), identity_credentials,
// identity_credential_identifiers (unique per type and identifier),
// identity_verifiable_addresses and identity_recovery_addresses (unique per
// via and value), sessions (devices and methods inline). One query loads an
// identity with all its children (JSON aggregation); one indexed query
// resolves a session token.
package identity

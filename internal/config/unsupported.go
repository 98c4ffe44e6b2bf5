package config

import "strings"

// oryKeys are configuration keys that Kratos, Hydra (one level down, under
// oauth2) or Oathkeeper accept. When the schema rejects one of them, the user
// pasted a real Ory setting that this version does not implement, and is told
// so instead of getting "unknown key". "*" matches any one segment. The list
// is consulted only for keys the schema has already refused, but a wildcard
// over a section Cerberus implements would turn a typo there into a
// misleading "not supported": a head that implements a section replaces its
// wildcards with the exact Ory keys it leaves out.
var oryKeys = []string{
	// Kratos
	// identity, session and hashers are implemented; these are the Kratos
	// keys left out.
	"session.whoami.tokenizer", "session.whoami.tokenizer.*", "session.whoami.tokenizer.templates.*",
	"session.whoami.tokenizer.templates.*.*",
	"hashers.argon2.expected_duration", "hashers.argon2.expected_deviation", "hashers.argon2.dedicated_memory",
	"hashers.bcrypt_aes", "hashers.bcrypt_aes.*",
	// selfservice: password, profile, login, registration, settings, logout
	// and error are implemented; these are the Kratos keys left out.
	"selfservice.methods.oidc", "selfservice.methods.oidc.*", "selfservice.methods.oidc.config.*",
	"selfservice.methods.webauthn", "selfservice.methods.webauthn.*", "selfservice.methods.webauthn.config.*",
	"selfservice.methods.passkey", "selfservice.methods.passkey.*", "selfservice.methods.passkey.config.*",
	"selfservice.methods.totp", "selfservice.methods.totp.*", "selfservice.methods.totp.config.*",
	"selfservice.methods.lookup_secret", "selfservice.methods.lookup_secret.*",
	// link and code (recovery and verification) are implemented; sign-in by
	// code is not.
	"selfservice.methods.code.passwordless_login_fallback_enabled",
	"selfservice.methods.code.config.missing_credential_fallback_enabled",
	"selfservice.methods.b2b", "selfservice.methods.b2b.*", "selfservice.methods.saml", "selfservice.methods.saml.*",
	"selfservice.methods.password.config.migrate_hook", "selfservice.methods.profile.config",
	"selfservice.flows.login.style", "selfservice.flows.registration.login_hints",
	"selfservice.flows.registration.enable_legacy_one_step", "selfservice.flows.settings.required_aal",
	"selfservice.flows.*.after.oidc", "selfservice.flows.*.after.webauthn", "selfservice.flows.*.after.passkey",
	"selfservice.flows.*.after.totp", "selfservice.flows.*.after.lookup_secret", "selfservice.flows.*.after.code",
	// courier: SMTP delivery and e-mail templates are implemented; the HTTP
	// and SMS channels and the sign-in code templates are not.
	"courier.http", "courier.http.*", "courier.http.*.*", "courier.channels", "courier.sms", "courier.sms.*",
	"courier.templates.login_code", "courier.templates.registration_code", "courier.templates.*.*.sms",
	"courier.templates.*.*.sms.*", "courier.templates.*.*.sms.*.*",
	"ciphers", "ciphers.*",
	"security", "security.*", "security.account_enumeration.*",
	"feature_flags", "feature_flags.*",
	"organizations", "preview", "clients", "clients.*", "clients.http.*",
	"sqa", "sqa.*", "expand_refs", "dev",
	"serve.public.socket", "serve.admin.socket", "serve.public.request_log.*", "serve.admin.request_log.*",
	// tracing is implemented (ory/x otelx keys); these are the keys of the
	// OpenTracing-era ory/x tracing section it leaves out.
	"tracing.providers.jaeger.propagation", "tracing.providers.jaeger.max_tag_value_length",
	"tracing.providers.jaeger.sampling.type", "tracing.providers.jaeger.sampling.value",
	"profiling", "config_version",
	// Hydra, as it appears under oauth2: the keys this version leaves out.
	"oauth2.ttl.vc_nonce", "oauth2.oidc.dynamic_client_registration", "oauth2.oidc.dynamic_client_registration.*",
	"oauth2.oidc.subject_identifiers.pairwise", "oauth2.oidc.subject_identifiers.pairwise.*",
	"oauth2.webfinger.jwks", "oauth2.webfinger.jwks.*", "oauth2.webfinger.oidc_discovery.jwks_url",
	"oauth2.webfinger.oidc_discovery.token_url", "oauth2.webfinger.oidc_discovery.auth_url",
	"oauth2.webfinger.oidc_discovery.client_registration_url", "oauth2.webfinger.oidc_discovery.userinfo_url",
	"oauth2.webfinger.oidc_discovery.verifiable_credentials_url",
	"oauth2.oauth2", "oauth2.oauth2.*", "oauth2.hsm", "oauth2.hsm.*",
	"oauth2.serve", "oauth2.secrets", "oauth2.dsn", "oauth2.log", "oauth2.tracing", "oauth2.db", "oauth2.clients",
	"oauth2.cgroups", "oauth2.sqa", "oauth2.profiling", "oauth2.dev",
	"oauth2.grant", "oauth2.grant.refresh_token", "oauth2.grant.refresh_token.rotation_grace_period",
	"oauth2.grant.jwt", "oauth2.grant.jwt.*",
	"oauth2.token_hook", "oauth2.refresh_token_hook", "oauth2.device_authorization",
	"serve.cookies", "serve.cookies.*", "serve.tls", "serve.tls.*", "serve.public.tls.allow_termination_from",
	"serve.admin.tls.allow_termination_from",
	// Oathkeeper
	// (the proxy head implements access_rules, authenticators, authorizers,
	// mutators and errors; these are the Oathkeeper keys it leaves out)
	"authorizers.keto_engine_acp_ory", "authorizers.keto_engine_acp_ory.*", "authorizers.keto_engine_acp_ory.config.*",
	"mutators.hydrator.config.api.retry.number_of_retries",
	"mutators.hydrator.config.api.retry.delay_in_milliseconds",
	"serve.proxy.timeout.*", "serve.api.timeout.*",
}

// hydraTopLevel are Hydra's own top-level keys, which belong under oauth2.
var hydraTopLevel = map[string]bool{
	"urls": true, "strategies": true, "ttl": true, "oidc": true, "webfinger": true,
	"pkce": true, "grant": true, "hsm": true,
}

// processWide are Hydra's top-level keys that Cerberus has once for the
// whole process, at its own top level.
var processWide = map[string]bool{"serve": true, "dsn": true, "log": true, "tracing": true, "secrets": true}

// unsupportedOryKey reports whether path is a key Ory knows, with a hint.
func unsupportedOryKey(path []string) (string, bool) {
	if len(path) == 1 && hydraTopLevel[path[0]] {
		return " here: Hydra's keys go one level down, under oauth2 (oauth2." + path[0] + ")", true
	}
	if len(path) == 2 && path[0] == "oauth2" && processWide[path[1]] {
		return " here: Cerberus has one " + path[1] + " section for the whole process, at the top level", true
	}
	if len(path) == 2 && path[0] == "oauth2" && path[1] == "oauth2" {
		return " here: the keys of Hydra's own oauth2 section go directly under oauth2 (oauth2.pkce, oauth2.hashers, ...)", true
	}
	for _, k := range oryKeys {
		if matchKey(strings.Split(k, "."), path) {
			return "", true
		}
	}
	return "", false
}

func matchKey(pattern, path []string) bool {
	// Array indexes are not part of the patterns: compare without them.
	var p []string
	for _, seg := range path {
		if !isIndex(seg) {
			p = append(p, seg)
		}
	}
	if len(pattern) != len(p) {
		return false
	}
	for i := range pattern {
		if pattern[i] != "*" && pattern[i] != p[i] {
			return false
		}
	}
	return true
}

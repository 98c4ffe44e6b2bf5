package csrf

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// FieldName is the form and JSON field that carries the token.
const FieldName = "csrf_token"

// HeaderName is the request header a script may send the token in instead.
const HeaderName = "X-CSRF-Token"

// secretLen is the size of the per-browser secret kept in the cookie.
const secretLen = 32

// Options configure a Protector.
type Options struct {
	// Secrets are secrets.cookie: the first signs, all verify.
	Secrets []string
	// BaseURL is the public base URL; it names the cookie (so instances
	// behind different URLs on one domain do not clash) and decides
	// whether the cookie is Secure.
	BaseURL string
	// Domain, Path and SameSite come from the cookies config section.
	Domain   string
	Path     string
	SameSite http.SameSite
	// MaxAge of the cookie; the secret has no other expiry.
	MaxAge int
	// Rand is the randomness source (crypto/rand when nil).
	Rand io.Reader
}

// Protector issues and checks CSRF tokens.
type Protector struct {
	keys   [][]byte
	cookie http.Cookie
	rand   io.Reader
}

// New derives one HMAC key per secret.
func New(o Options) (*Protector, error) {
	if len(o.Secrets) == 0 {
		return nil, errors.New("csrf: at least one cookie secret is required")
	}
	p := &Protector{rand: o.Rand}
	if p.rand == nil {
		p.rand = rand.Reader
	}
	for i, s := range o.Secrets {
		if len(s) < 16 {
			return nil, fmt.Errorf("csrf: secret %d is shorter than 16 characters", i)
		}
		k, err := hkdf.Key(sha256.New, []byte(s), nil, "cerberus csrf v1", 32)
		if err != nil {
			return nil, err
		}
		p.keys = append(p.keys, k)
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("csrf: base URL: %w", err)
	}
	sum := sha256.Sum256([]byte(o.BaseURL))
	path := o.Path
	if path == "" {
		path = "/"
	}
	sameSite := o.SameSite
	if sameSite == 0 {
		sameSite = http.SameSiteLaxMode
	}
	secure := u.Scheme == "https"
	if sameSite == http.SameSiteNoneMode {
		// Browsers drop SameSite=None cookies that are not Secure.
		secure = true
	}
	maxAge := o.MaxAge
	if maxAge == 0 {
		maxAge = 365 * 24 * 3600
	}
	p.cookie = http.Cookie{
		Name: "csrf_token_" + hex.EncodeToString(sum[:])[:16], Domain: o.Domain, Path: path,
		HttpOnly: true, Secure: secure, SameSite: sameSite, MaxAge: maxAge,
	}
	return p, nil
}

// CookieName is the name of the cookie that holds the browser's secret.
func (p *Protector) CookieName() string { return p.cookie.Name }

// Token returns the token for this browser, setting the cookie first when
// the browser has none (or a malformed one). Call it before writing the
// response body.
func (p *Protector) Token(w http.ResponseWriter, r *http.Request) (string, error) {
	if secret, ok := p.secret(r); ok {
		return p.sign(p.keys[0], secret), nil
	}
	secret := make([]byte, secretLen)
	if _, err := io.ReadFull(p.rand, secret); err != nil {
		return "", fmt.Errorf("csrf: reading randomness: %w", err)
	}
	c := p.cookie
	c.Value = base64.RawURLEncoding.EncodeToString(secret)
	http.SetCookie(w, &c)
	// Later calls in this request (a handler that renders after creating a
	// flow) must see the same secret.
	r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	return p.sign(p.keys[0], secret), nil
}

// Current returns the token of the browser's existing cookie without
// setting one; ok is false when the request carries no usable cookie.
func (p *Protector) Current(r *http.Request) (token string, ok bool) {
	secret, ok := p.secret(r)
	if !ok {
		return "", false
	}
	return p.sign(p.keys[0], secret), true
}

// Verify checks presented (the form field or header value) against the
// browser's cookie. The error is a 403 security_csrf_violation.
func (p *Protector) Verify(r *http.Request, presented string) error {
	if presented == "" {
		presented = r.Header.Get(HeaderName)
	}
	secret, ok := p.secret(r)
	if !ok {
		return violation("The anti-CSRF cookie is missing.", "missing_cookie")
	}
	if presented == "" {
		return violation("The anti-CSRF token is missing from the form or the X-CSRF-Token header.", "missing_token")
	}
	if !p.matches(secret, presented) {
		return violation("The anti-CSRF token does not match the anti-CSRF cookie.", "token_mismatch")
	}
	return nil
}

// Matches reports whether token belongs to this browser, without setting
// anything; flows use it to tell whether a browser flow is this browser's.
func (p *Protector) Matches(r *http.Request, token string) bool {
	secret, ok := p.secret(r)
	return ok && token != "" && p.matches(secret, token)
}

func (p *Protector) matches(secret []byte, presented string) bool {
	for _, k := range p.keys {
		if subtle.ConstantTimeCompare([]byte(p.sign(k, secret)), []byte(presented)) == 1 {
			return true
		}
	}
	return false
}

// Canonical maps a token signed under any configured key onto the one the
// first key signs, so a flow created before a secret rotation stays bound
// to its browser. It returns "" when the token is not this browser's.
func (p *Protector) Canonical(r *http.Request, token string) string {
	secret, ok := p.secret(r)
	if !ok || !p.matches(secret, token) {
		return ""
	}
	return p.sign(p.keys[0], secret)
}

// secret returns the browser's secret. With several cookies of the name
// (one planted for a parent domain, say) the last well-formed one wins: it
// is the one Token added for this request when it set a fresh cookie, and a
// planted secret cannot be turned into a valid token anyway.
func (p *Protector) secret(r *http.Request) ([]byte, bool) {
	var out []byte
	for _, c := range r.CookiesNamed(p.cookie.Name) {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(c.Value))
		if err == nil && len(b) == secretLen {
			out = b
		}
	}
	return out, out != nil
}

func (p *Protector) sign(key, secret []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("csrf-token\x00"))
	m.Write(secret)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

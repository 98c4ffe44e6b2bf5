package oauth2_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// TestExpiredCodeIsInvalidGrant: a code used after ttl.auth_code is
// invalid_grant, and the failed attempt changes nothing it could revoke.
func TestExpiredCodeIsInvalidGrant(t *testing.T) {
	in, _ := startWithApp(t, "  ttl:\n    auth_code: 1s\n")
	seed := createSeedClients(t, in, seedRedirect)
	r := newRP(t, in, seed.frontend, oidc.ScopeOpenID, "offline_access")
	b := newBrowser(t, seedRedirect)
	pkce := oauth2.GenerateVerifier()
	code := b.authorize(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce))).Get("code")
	// Only the clock can expire a code: wait out its one-second lifespan.
	time.Sleep(1500 * time.Millisecond)
	st, body := postForm(t, in.Public+"/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {seedRedirect}, "client_id": {r.cfg.ClientID}, "client_secret": {r.cfg.ClientSecret}, "code_verifier": {pkce}}, "", "")
	if st != 400 || body["error"] != "invalid_grant" || body["access_token"] != nil {
		t.Fatalf("expired code: %d %v", st, body)
	}
	// A fresh code still works: nothing else was disturbed.
	code = b.authorize(r.cfg.AuthCodeURL("state-123456", oauth2.S256ChallengeOption(pkce))).Get("code")
	if _, err := r.cfg.Exchange(context.Background(), code, oauth2.VerifierOption(pkce)); err != nil {
		t.Fatal(err)
	}
}

package oauth2_test

import (
	"net/url"
	"sync"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// TestJWTTokensWithOnePoolConnection pins Hydra's stall: with JWT access
// tokens it deadlocks at its default pool size, holding a connection while
// it waits for another. Here no request holds a connection while signing
// or while waiting for a second one, so a pool of one serves a burst.
func TestJWTTokensWithOnePoolConnection(t *testing.T) {
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: baseConfig + "database:\n  max_conns: 1\n"})
	m2m := createSeedClients(t, in, seedRedirect).internal
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, body := postForm(t, in.Public+"/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"location:read"}},
				m2m["CLIENT ID"], m2m["CLIENT SECRET"])
			if code != 200 {
				errs <- body["error"].(string)
				return
			}
			if ti := introspect(t, in, body["access_token"].(string)); ti["active"] != true {
				errs <- "inactive"
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

package oauth2_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// baseConfig is the OAuth2 setup of seed 000: JWT access tokens with the
// scope as a list. The KDF is cheaper than the default to keep tests fast.
const baseConfig = `
oauth2:
  strategies:
    access_token: jwt
    jwt:
      scope_claim: list
  hashers:
    pbkdf2:
      iterations: 25000
`

// start runs Cerberus; extra holds more oauth2 keys, indented by two.
func start(t *testing.T, extra string) *testbin.Instance {
	t.Helper()
	return testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: baseConfig + extra})
}

// cli runs `cerberus <args>` against in's admin API.
func cli(t *testing.T, in *testbin.Instance, args ...string) string {
	t.Helper()
	out, code := testbin.Run(t, context.Background(), []string{"CERBERUS_ADMIN_URL=" + in.Admin}, args...)
	if code != 0 {
		t.Fatalf("cerberus %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// listing parses hydra's KEY VALUE output.
func listing(t *testing.T, out string) map[string]string {
	t.Helper()
	keys := []string{"CLIENT ID", "CLIENT SECRET", "GRANT TYPES", "RESPONSE TYPES", "SCOPE", "AUDIENCE", "REDIRECT URIS"}
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		for _, k := range keys {
			if rest, ok := strings.CutPrefix(line, k+"\t"); ok {
				m[k] = strings.TrimSpace(strings.TrimLeft(rest, "\t"))
			}
		}
	}
	if m["CLIENT ID"] == "" {
		t.Fatalf("no CLIENT ID in output:\n%s", out)
	}
	return m
}

type seedClients struct {
	frontend, internal, thirdParty map[string]string
}

// createSeedClients creates seed 000's three clients with the CLI, with
// the flags the seed passes to `hydra create oauth2-client` (its
// "--skip-consent true" spelling included). The seed's shell line
// "--audience backend-service\ --endpoint ..." is a typo that would make
// the audience "backend-service --endpoint"; the intended argv is used.
func createSeedClients(t *testing.T, in *testbin.Instance, redirect string) seedClients {
	t.Helper()
	return seedClients{
		frontend: listing(t, cli(t, in, "clients", "create", "--name", "frontend-backend-client", "--audience", "backend-service",
			"--endpoint", in.Admin, "--grant-type", "authorization_code,refresh_token", "--response-type", "code",
			"--redirect-uri", redirect, "--scope", "offline_access,openid", "--skip-consent", "true",
			"--skip-logout-consent", "true", "--token-endpoint-auth-method", "client_secret_post")),
		internal: listing(t, cli(t, in, "clients", "create", "--name", "internal-communication", "--audience", "internal-service",
			"--endpoint", in.Admin, "--grant-type", "client_credentials", "--token-endpoint-auth-method", "client_secret_basic",
			"--scope", "offline_access,openid,location:read")),
		thirdParty: listing(t, cli(t, in, "clients", "create", "--name", "third-party", "--audience", "backend-service",
			"--endpoint", in.Admin, "--grant-type", "authorization_code,refresh_token", "--response-type", "code",
			"--redirect-uri", redirect, "--scope", "offline_access,openid,location:read",
			"--token-endpoint-auth-method", "client_secret_post")),
	}
}

// postForm posts a form and decodes the JSON answer.
func postForm(t *testing.T, endpoint string, form url.Values, user, pass string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", endpoint, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: not JSON (%d): %s", endpoint, resp.StatusCode, b)
		}
	}
	return resp.StatusCode, m
}

func introspect(t *testing.T, in *testbin.Instance, token string) map[string]any {
	t.Helper()
	code, m := postForm(t, in.Admin+"/admin/oauth2/introspect", url.Values{"token": {token}}, "", "")
	if code != 200 {
		t.Fatalf("introspect: %d %v", code, m)
	}
	return m
}

func getJSON(t *testing.T, u string, out any) *http.Response {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
	return resp
}

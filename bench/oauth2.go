package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// oauth2Scenarios measure the OAuth2 head's hot paths, as PERFORMANCE.md
// lists them: the token endpoint's client_credentials grant with
// client_secret_basic (opaque tokens; Hydra 2.3: ~365 req/s, target 3,500
// with p99 <= 20 ms), the same with JWT access tokens signed RS256-2048
// (target 1,400), ES256 and EdDSA (target 3,000), introspection of an
// opaque token (Hydra ~2,700, target 8,000), and the JWKS and discovery
// documents (Hydra ~830/~990, target 20,000). One server serves all of
// them: each JWT scenario's client picks its algorithm with
// access_token_signed_response_alg.
func oauth2Scenarios() []Scenario {
	return []Scenario{
		{Name: "token client_credentials opaque", Setup: tokenSetup("opaque", "")},
		{Name: "token client_credentials JWT RS256", Setup: tokenSetup("jwt", "RS256")},
		{Name: "token client_credentials JWT ES256", Setup: tokenSetup("jwt", "ES256")},
		{Name: "token client_credentials JWT EdDSA", Setup: tokenSetup("jwt", "EdDSA")},
		{Name: "introspect opaque", Setup: introspectSetup},
		{Name: "jwks.json", Setup: staticSetup("/.well-known/jwks.json")},
		{Name: "openid-configuration", Setup: staticSetup("/.well-known/openid-configuration")},
	}
}

type benchClient struct {
	ID     string `json:"client_id"`
	Secret string `json:"client_secret"`
}

// createClient registers a client_credentials client through the admin API.
func createClient(ctx context.Context, e *Env, name, strategy, alg string) (benchClient, error) {
	in := map[string]any{
		"client_name": name, "grant_types": []string{"client_credentials"}, "scope": "bench:read bench:write",
		"token_endpoint_auth_method": "client_secret_basic", "access_token_strategy": strategy,
	}
	if alg != "" {
		in["access_token_signed_response_alg"] = alg
	}
	var c benchClient
	err := e.JSON(ctx, "POST", e.AdminURL+"/admin/clients", in, &c)
	return c, err
}

func basic(c benchClient) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.ID)+":"+url.QueryEscape(c.Secret)))
}

func tokenRequest(e *Env, c benchClient) Request {
	return Request{
		Method: "POST", URL: e.PublicURL + "/oauth2/token",
		Headers: http.Header{"Authorization": {basic(c)}, "Content-Type": {"application/x-www-form-urlencoded"}},
		Body:    "grant_type=client_credentials&scope=bench%3Aread",
	}
}

// tokenSetup creates a client for the strategy and algorithm and returns
// its token request. The harness's check sends it once before the load,
// so the secret's KDF runs then and the load measures the repeat path.
func tokenSetup(strategy, alg string) func(context.Context, *Env) (Request, error) {
	return func(ctx context.Context, e *Env) (Request, error) {
		c, err := createClient(ctx, e, "bench token "+strategy+" "+alg, strategy, alg)
		if err != nil {
			return Request{}, err
		}
		return tokenRequest(e, c), nil
	}
}

// introspectSetup takes an opaque token and returns its introspection.
func introspectSetup(ctx context.Context, e *Env) (Request, error) {
	c, err := createClient(ctx, e, "bench introspect", "opaque", "")
	if err != nil {
		return Request{}, err
	}
	tr := tokenRequest(e, c)
	req, err := tr.httpRequest(ctx)
	if err != nil {
		return Request{}, err
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		return Request{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	tok := between(string(b), `"access_token":"`, `"`)
	if resp.StatusCode != 200 || tok == "" {
		return Request{}, fmt.Errorf("POST /oauth2/token: %s: %s", resp.Status, b)
	}
	return Request{
		Method: "POST", URL: e.AdminURL + "/admin/oauth2/introspect",
		Headers: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body:    "token=" + url.QueryEscape(tok),
	}, nil
}

func staticSetup(path string) func(context.Context, *Env) (Request, error) {
	return func(_ context.Context, e *Env) (Request, error) {
		return Request{URL: e.PublicURL + path}, nil
	}
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

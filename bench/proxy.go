package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// proxyScenarios measure the proxy head against the bare
// httputil.ReverseProxy of the same run (target: the anonymous rule at 80%
// or more of it) and the decision API (targets: 39,000 req/s anonymous,
// 17,000 jwt). Each rule is in bench/rules.go.
func proxyScenarios() []Scenario {
	return []Scenario{
		{Name: "proxy anonymous+header", Baseline: "bare proxy", Setup: get(func(e *Env) string { return e.ProxyURL + "/anonymous/anything" })},
		{Name: "proxy jwt", Baseline: "bare proxy", Setup: jwtSetup(func(e *Env) string { return e.ProxyURL + "/jwt/anything" }, false)},
		{Name: "proxy cookie_session", Baseline: "bare proxy", Setup: sessionSetup},
		{Name: "decisions anonymous", Setup: decisionSetup("/anonymous/anything", nil)},
		{Name: "decisions jwt", Setup: jwtSetup(func(e *Env) string { return e.APIURL + "/decisions/jwt/anything" }, true)},
	}
}

// decisionSetup asks the decision API about a proxy URL, as nginx's
// auth_request does: the original host travels in X-Forwarded-Host.
func decisionSetup(path string, extra http.Header) func(context.Context, *Env) (Request, error) {
	return func(_ context.Context, e *Env) (Request, error) {
		u, err := url.Parse(e.ProxyURL)
		if err != nil {
			return Request{}, err
		}
		h := http.Header{"X-Forwarded-Host": {u.Host}, "X-Forwarded-Method": {"GET"}}
		for k, v := range extra {
			h[k] = v
		}
		return Request{URL: e.APIURL + "/decisions" + path, Headers: h}, nil
	}
}

// jwtSetup registers a client whose access tokens are JWTs signed with
// Cerberus's keys, takes a token with the client credentials grant, and
// sends it as the bearer token: the jwt authenticator verifies it with the
// in-process key set.
func jwtSetup(target func(*Env) string, decision bool) func(context.Context, *Env) (Request, error) {
	return func(ctx context.Context, e *Env) (Request, error) {
		tok, err := jwtAccessToken(ctx, e)
		if err != nil {
			return Request{}, err
		}
		auth := http.Header{"Authorization": {"Bearer " + tok}}
		if decision {
			return decisionSetup("/jwt/anything", auth)(ctx, e)
		}
		return Request{URL: target(e), Headers: auth}, nil
	}
}

func jwtAccessToken(ctx context.Context, e *Env) (string, error) {
	var c struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	err := e.JSON(ctx, "POST", e.AdminURL+"/admin/clients", map[string]any{
		"client_name": "bench proxy jwt", "grant_types": []string{"client_credentials"},
		"token_endpoint_auth_method": "client_secret_basic", "access_token_strategy": "jwt", "scope": "bench",
	}, &c)
	if err != nil {
		return "", err
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"bench"}}
	req, err := http.NewRequestWithContext(ctx, "POST", e.PublicURL+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	var out struct {
		AccessToken string `json:"access_token"`
	}
	res, err := e.Client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("POST /oauth2/token: %s: %s", res.Status, b)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", fmt.Errorf("the token endpoint issued no access token")
	}
	return out.AccessToken, nil
}

// sessionSetup signs an identity in through the native login flow and
// sends the session token as the session cookie: cookie_session looks the
// session up in process, one indexed query per request.
func sessionSetup(ctx context.Context, e *Env) (Request, error) {
	tok, err := apiLogin(ctx, e, "bench-proxy@example.org", "bench proxy password 1")
	if err != nil {
		return Request{}, err
	}
	return Request{URL: e.ProxyURL + "/session/anything", Headers: http.Header{"Cookie": {"cerberus_session=" + tok}}}, nil
}

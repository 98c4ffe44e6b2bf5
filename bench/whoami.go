package main

import (
	"context"
	"fmt"
	"net/http"
)

// whoamiScenarios measure session lookup, the hottest path of the identity
// head: GET /sessions/whoami with an X-Session-Token, as API clients and
// Oathkeeper-style proxies call it (Kratos 1.3.1: ~1,460 req/s on this kind
// of machine; the target is 7,000 with p99 <= 10 ms).
func whoamiScenarios() []Scenario {
	return []Scenario{{Name: "whoami (X-Session-Token)", Setup: whoamiSetup}}
}

// whoamiSetup creates an identity with a password through the admin API,
// logs it in through the native (API) login flow, and returns the whoami
// request carrying the session token.
func whoamiSetup(ctx context.Context, e *Env) (Request, error) {
	tok, err := apiLogin(ctx, e, "bench-whoami@example.org", "bench whoami password 1")
	if err != nil {
		return Request{}, err
	}
	return Request{
		URL:     e.PublicURL + "/sessions/whoami",
		Headers: http.Header{"X-Session-Token": {tok}},
	}, nil
}

// apiLogin creates an identity with a password and logs it in through the
// native (API) login flow, returning the session token.
func apiLogin(ctx context.Context, e *Env, email, password string) (string, error) {
	err := e.JSON(ctx, "POST", e.AdminURL+"/admin/identities", map[string]any{
		"traits":      map[string]any{"email": email},
		"credentials": map[string]any{"password": map[string]any{"config": map[string]any{"password": password}}},
	}, nil)
	if err != nil {
		return "", err
	}
	var flow struct {
		UI struct {
			Action string `json:"action"`
		} `json:"ui"`
	}
	if err := e.JSON(ctx, "GET", e.PublicURL+"/self-service/login/api", nil, &flow); err != nil {
		return "", err
	}
	var login struct {
		SessionToken string `json:"session_token"`
	}
	err = e.JSON(ctx, "POST", flow.UI.Action, map[string]any{"method": "password", "identifier": email, "password": password}, &login)
	if err != nil {
		return "", err
	}
	if login.SessionToken == "" {
		return "", fmt.Errorf("the login answered no session_token")
	}
	return login.SessionToken, nil
}

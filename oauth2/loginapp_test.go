package oauth2_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// loginApp is a small Hydra-style login/consent/logout app: it drives the
// admin challenge API over real HTTP, as an external login UI would.
type loginApp struct {
	t     *testing.T
	srv   *httptest.Server
	admin string

	mu sync.Mutex
	// subject signs in; remember asks Cerberus to remember the login.
	subject  string
	remember bool
	// denyConsent rejects the consent; rememberConsent remembers it.
	denyConsent, rememberConsent bool
	// seen records the last login and consent requests.
	lastLogin, lastConsent map[string]any
	// backchannel records logout tokens received.
	backchannel []string
}

func newLoginApp(t *testing.T) *loginApp {
	a := &loginApp{t: t, subject: "user-1", remember: true}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", a.login)
	mux.HandleFunc("GET /consent", a.consent)
	mux.HandleFunc("GET /logout", a.logout)
	mux.HandleFunc("POST /backchannel", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		a.mu.Lock()
		a.backchannel = append(a.backchannel, r.PostForm.Get("logout_token"))
		a.mu.Unlock()
	})
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	return a
}

func (a *loginApp) call(method, path string, body any) (int, map[string]any) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.admin+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func (a *loginApp) follow(w http.ResponseWriter, r *http.Request, code int, m map[string]any) {
	if code != 200 {
		a.t.Errorf("%s: admin API answered %d %v", r.URL.Path, code, m)
		http.Error(w, "admin API error", 500)
		return
	}
	http.Redirect(w, r, m["redirect_to"].(string), http.StatusFound)
}

func (a *loginApp) login(w http.ResponseWriter, r *http.Request) {
	ch := r.URL.Query().Get("login_challenge")
	code, req := a.call("GET", "/admin/oauth2/auth/requests/login?login_challenge="+url.QueryEscape(ch), nil)
	if code != 200 {
		a.t.Errorf("get login request: %d %v", code, req)
		http.Error(w, "bad challenge", 400)
		return
	}
	a.mu.Lock()
	a.lastLogin = req
	subject, remember := a.subject, a.remember
	a.mu.Unlock()
	if req["skip"] == true {
		subject = req["subject"].(string)
	}
	code, m := a.call("PUT", "/admin/oauth2/auth/requests/login/accept?login_challenge="+url.QueryEscape(ch), map[string]any{
		"subject": subject, "remember": remember, "remember_for": 3600, "acr": "urn:test:pwd", "amr": []string{"pwd"},
	})
	a.follow(w, r, code, m)
}

func (a *loginApp) consent(w http.ResponseWriter, r *http.Request) {
	ch := r.URL.Query().Get("consent_challenge")
	code, req := a.call("GET", "/admin/oauth2/auth/requests/consent?consent_challenge="+url.QueryEscape(ch), nil)
	if code != 200 {
		a.t.Errorf("get consent request: %d %v", code, req)
		http.Error(w, "bad challenge", 400)
		return
	}
	a.mu.Lock()
	a.lastConsent = req
	deny, remember := a.denyConsent, a.rememberConsent
	a.mu.Unlock()
	if deny && req["skip"] != true {
		code, m := a.call("PUT", "/admin/oauth2/auth/requests/consent/reject?consent_challenge="+url.QueryEscape(ch), map[string]any{
			"error": "access_denied", "error_description": "The end-user denied the request.",
		})
		a.follow(w, r, code, m)
		return
	}
	code, m := a.call("PUT", "/admin/oauth2/auth/requests/consent/accept?consent_challenge="+url.QueryEscape(ch), map[string]any{
		"grant_scope": req["requested_scope"], "grant_access_token_audience": req["requested_access_token_audience"],
		"remember": remember, "remember_for": 3600,
		"session": map[string]any{
			"id_token":     map[string]any{"email": req["subject"].(string) + "@example.com", "email_verified": true},
			"access_token": map[string]any{"role": "reader"},
		},
	})
	a.follow(w, r, code, m)
}

func (a *loginApp) logout(w http.ResponseWriter, r *http.Request) {
	ch := r.URL.Query().Get("logout_challenge")
	code, req := a.call("GET", "/admin/oauth2/auth/requests/logout?logout_challenge="+url.QueryEscape(ch), nil)
	if code != 200 {
		a.t.Errorf("get logout request: %d %v", code, req)
		http.Error(w, "bad challenge", 400)
		return
	}
	code, m := a.call("PUT", "/admin/oauth2/auth/requests/logout/accept?logout_challenge="+url.QueryEscape(ch), nil)
	a.follow(w, r, code, m)
}

// appConfig points Cerberus's login, consent and logout URLs at the app.
func (a *loginApp) config() string {
	return "  urls:\n    login: " + a.srv.URL + "/login\n    consent: " + a.srv.URL + "/consent\n    logout: " + a.srv.URL + "/logout\n"
}

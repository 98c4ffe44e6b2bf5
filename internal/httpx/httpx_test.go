package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/cerberus-iam/cerberus/internal/storage"
)

func decodeError(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %s", rec.Body)
	}
	e, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object: %s", rec.Body)
	}
	return e
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	WithRequestID(h).ServeHTTP(rec, r)
	return rec
}

func TestErrorJSONShape(t *testing.T) {
	rt := NewRouter(http.NewServeMux(), nil)
	rt.Handle("GET /x", func(w http.ResponseWriter, r *http.Request) error {
		return ErrGone.WithID("self_service_flow_expired").WithReason("expired %d minutes ago", 3).
			WithDetail("since", 180).WithExtra("use_flow_id", "abc").WithCause(errors.New("internal detail"))
	})
	r := httptest.NewRequest("GET", "/x", nil)
	r.Header.Set("X-Request-Id", "req-123")
	rec := serve(rt.Mux, r)
	if rec.Code != 410 {
		t.Fatalf("code %d", rec.Code)
	}
	e := decodeError(t, rec)
	want := map[string]any{"id": "self_service_flow_expired", "code": 410.0, "status": "Gone",
		"reason": "expired 3 minutes ago", "request": "req-123"}
	for k, v := range want {
		if e[k] != v {
			t.Errorf("error.%s = %v, want %v", k, e[k], v)
		}
	}
	if e["details"].(map[string]any)["since"] != 180.0 {
		t.Errorf("details: %v", e["details"])
	}
	if strings.Contains(rec.Body.String(), "internal detail") {
		t.Error("the internal cause leaked to the client")
	}
	var top map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &top)
	if top["use_flow_id"] != "abc" {
		t.Errorf("extra top-level field missing: %s", rec.Body)
	}
}

func TestAsErrorMapsSentinels(t *testing.T) {
	cases := map[error]int{
		storage.ErrNotFound:                   404,
		storage.ErrAlreadyExists:              409,
		storage.ErrConflict:                   409,
		&http.MaxBytesError{Limit: 10}:        413,
		errors.New("database exploded"):       500,
		ErrForbidden.WithReason("no"):         403,
		errors.Join(errors.New("x"), ErrGone): 410,
	}
	for err, code := range cases {
		if got := AsError(err).Code; got != code {
			t.Errorf("%v → %d, want %d", err, got, code)
		}
	}
	if msg := AsError(errors.New("select failed: password=hunter2")).Message; strings.Contains(msg, "hunter2") {
		t.Error("unknown error text reaches the client message")
	}
}

func TestRecoverAnswers500JSON(t *testing.T) {
	h := Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := serve(h, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 {
		t.Fatalf("code %d", rec.Code)
	}
	if e := decodeError(t, rec); e["message"] != ErrInternal.Message || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("body %s", rec.Body)
	}
}

func TestLimitBody(t *testing.T) {
	rt := NewRouter(http.NewServeMux(), nil)
	rt.Handle("POST /x", func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]any
		if err := DecodeJSON(r, &v, false); err != nil {
			return err
		}
		w.WriteHeader(204)
		return nil
	})
	h := LimitBody(64, rt.Mux)
	big := `{"a":"` + strings.Repeat("x", 100) + `"}`

	// Declared length over the cap: refused before the handler.
	rec := serve(h, httptest.NewRequest("POST", "/x", strings.NewReader(big)))
	if rec.Code != 413 || decodeError(t, rec)["code"] != 413.0 {
		t.Fatalf("declared oversize: %d %s", rec.Code, rec.Body)
	}
	// Unknown length (chunked): refused while reading.
	r := httptest.NewRequest("POST", "/x", strings.NewReader(big))
	r.ContentLength = -1
	if rec := serve(h, r); rec.Code != 413 {
		t.Fatalf("streamed oversize: %d %s", rec.Code, rec.Body)
	}
	if rec := serve(h, httptest.NewRequest("POST", "/x", strings.NewReader(`{"a":1}`))); rec.Code != 204 {
		t.Fatalf("small body: %d %s", rec.Code, rec.Body)
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	type body struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	cases := []struct{ name, ct, in, reason string }{
		{"empty", "application/json", "", "The request body is empty; a JSON value was expected."},
		{"syntax", "application/json", `{"name":}`, "The request body is not valid JSON (at byte 9)."},
		{"truncated", "application/json", `{"name":"a"`, "The request body ends in the middle of a JSON value."},
		{"type", "application/json", `{"count":"three"}`, "Field count must be an integer, not string."},
		{"unknown field", "application/json", `{"nmae":"x"}`, `Unknown field "nmae".`},
		{"two values", "application/json", `{} {}`, "The request body must hold a single JSON value."},
		{"content type", "text/plain", `{}`, "Send the body as application/json."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(c.in))
			r.Header.Set("Content-Type", c.ct)
			var b body
			e := AsError(DecodeJSON(r, &b, true))
			if e.Reason != c.reason || (e.Code != 400 && e.Code != 415) {
				t.Fatalf("%d %q, want %q", e.Code, e.Reason, c.reason)
			}
		})
	}
}

func TestRequestIDIsSanitised(t *testing.T) {
	for in, keep := range map[string]bool{
		"abc-123":                true,
		"evil\nlog line":         false,
		strings.Repeat("a", 129): false,
		`quote"d`:                false,
		"":                       false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("X-Request-Id", in)
		var seen string
		rec := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = RequestID(r.Context()) }), r)
		if (seen == in) != keep || rec.Header().Get("X-Request-Id") != seen || seen == "" {
			t.Errorf("%q: got %q (keep=%v)", in, seen, keep)
		}
	}
}

func TestClientIP(t *testing.T) {
	cases := []struct {
		name     string
		trustAll bool
		cidrs    []string
		remote   string
		xff      []string
		want     string
	}{
		{"no proxies trusted: peer wins", false, nil, "203.0.113.9:1234", []string{"1.2.3.4"}, "203.0.113.9"},
		{"untrusted peer cannot forge", false, []string{"10.0.0.0/8"}, "203.0.113.9:1", []string{"1.2.3.4"}, "203.0.113.9"},
		// A client prepends a fake entry; our proxy appended the real one.
		{"right to left past trusted hops", false, []string{"10.0.0.0/8"}, "10.0.0.2:1",
			[]string{"6.6.6.6, 198.51.100.7, 10.0.0.5"}, "198.51.100.7"},
		{"several headers joined", false, []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"6.6.6.6", "198.51.100.7"}, "198.51.100.7"},
		{"all hops trusted: peer", false, []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"10.1.1.1"}, "10.0.0.2"},
		{"garbage entry stops the walk", false, []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"1.1.1.1, junk, 10.0.0.3"}, "10.0.0.2"},
		{"trust_forwarded_headers: leftmost", true, nil, "10.0.0.2:1", []string{"198.51.100.7, 10.0.0.3"}, "198.51.100.7"},
		{"ipv6 peer", false, nil, "[2001:db8::1]:443", nil, "2001:db8::1"},
		{"ipv4-mapped ipv6 unmapped", false, nil, "[::ffff:192.0.2.1]:80", nil, "192.0.2.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := NewClientIPResolver(c.trustAll, c.cidrs)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.remote
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := res.Resolve(r); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
	if _, err := NewClientIPResolver(false, []string{"not-a-cidr"}); err == nil {
		t.Fatal("bad CIDR accepted")
	}
}

// The request id and client address reach handlers whether the client-IP
// middleware runs inside WithRequestID (as on every listener, sharing one
// context value) or alone.
func TestRequestIDAndClientIPReachHandlers(t *testing.T) {
	res, err := NewClientIPResolver(false, nil)
	if err != nil {
		t.Fatal(err)
	}
	var id, ip string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { id, ip = RequestID(r.Context()), ClientIP(r.Context()) })
	for name, chain := range map[string]http.Handler{"both": WithRequestID(res.Middleware(h)), "client IP alone": res.Middleware(h)} {
		id, ip = "", ""
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "198.51.100.7:4242"
		r.Header.Set("X-Request-Id", "abc-123")
		chain.ServeHTTP(httptest.NewRecorder(), r)
		if ip != "198.51.100.7" {
			t.Errorf("%s: client IP %q", name, ip)
		}
		if want := map[bool]string{true: "abc-123", false: ""}[name == "both"]; id != want {
			t.Errorf("%s: request id %q, want %q", name, id, want)
		}
	}
	if RequestID(context.Background()) != "" || ClientIP(context.Background()) != "" {
		t.Error("outside a request both must be empty")
	}
}

// The Oathkeeper-named metrics take the path as a label; a client walking
// random paths ends up under "other" once the distinct values reach the
// cap, instead of adding a series per request.
func TestOathkeeperRequestLabelIsBounded(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewOathkeeperMetrics(reg, "ory_oathkeeper_", false, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range maxRequestLabels + 100 {
		m.observe("oathkeeper-proxy", httptest.NewRequest("GET", fmt.Sprintf("/p%d/x", i), nil), 200, time.Millisecond)
	}
	m.observe("oathkeeper-proxy", httptest.NewRequest("GET", "/p0/again", nil), 200, time.Millisecond)
	if n := testutil.CollectAndCount(m.requests); n != maxRequestLabels+1 {
		t.Errorf("%d series, want %d distinct paths and one \"other\"", n, maxRequestLabels)
	}
	if v := testutil.ToFloat64(m.requests.WithLabelValues("oathkeeper-proxy", "GET", "other", "200")); v != 100 {
		t.Errorf("other counted %v, want 100", v)
	}
	if v := testutil.ToFloat64(m.requests.WithLabelValues("oathkeeper-proxy", "GET", "/p0", "200")); v != 2 {
		t.Errorf("a known path counted %v, want 2", v)
	}
}

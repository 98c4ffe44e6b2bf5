package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// TestWrkSendsTheRequestByteForByte runs the real wrk with a generated
// script against a recording server: method, headers and a body full of
// bytes Lua would otherwise mangle must arrive unchanged, and the summary
// must parse.
func TestWrkSendsTheRequestByteForByte(t *testing.T) {
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Fatal("wrk is not installed, and `make test` (scripts/install-test-deps.sh wrk) could not install it")
	}
	body := "{\"q\":\"a\\\"b\",\n\t\"u\":\"é ✓\"}\x00\x7f\xff]]"
	var (
		mu   sync.Mutex
		bad  []string
		seen int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		seen++
		switch {
		case r.Method != http.MethodPost:
			bad = append(bad, "method "+r.Method)
		case string(b) != body:
			bad = append(bad, "body "+string(b))
		case r.Header.Get("Authorization") != `Bearer x"y\z`:
			bad = append(bad, "authorization "+r.Header.Get("Authorization"))
		case r.Header.Get("Content-Type") != "application/json":
			bad = append(bad, "content-type "+r.Header.Get("Content-Type"))
		case r.URL.RawQuery != "a=1&b=%20":
			bad = append(bad, "query "+r.URL.RawQuery)
		}
		if r.URL.Path == "/deny" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()

	req := Request{
		Method: http.MethodPost, URL: srv.URL + "/echo?a=1&b=%20", Body: body,
		Headers: http.Header{"Authorization": {`Bearer x"y\z`}, "Content-Type": {"application/json"}},
	}
	res, err := runWrk(context.Background(), t.TempDir(), "echo", req, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(bad) > 0 {
		t.Errorf("%d of %d requests arrived changed; first: %s", len(bad), seen, bad[0])
	}
	mu.Unlock()
	if res.requests == 0 || res.p50 <= 0 || res.p99 < res.p50 || res.elapsed < time.Second/2 {
		t.Errorf("implausible summary %+v", res)
	}
	if e := res.errors(req); e != 0 {
		t.Errorf("errors = %d, want 0", e)
	}

	// A refusal counts as an error unless the scenario expects it.
	req.URL = srv.URL + "/deny?a=1&b=%20"
	res, err = runWrk(context.Background(), t.TempDir(), "deny", req, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.statusErrors == 0 || res.errors(req) != res.socketErrors+res.statusErrors {
		t.Errorf("401s not counted as errors: %+v", res)
	}
	req.Expect = http.StatusUnauthorized
	if res.errors(req) != res.socketErrors {
		t.Errorf("expected 401s counted as errors: %+v", res)
	}
}

func TestParseResultRejectsMissingSummary(t *testing.T) {
	if _, err := parseResult("Running 1s test @ http://x\n  2 threads\n"); err == nil {
		t.Fatal("no error for output without a summary line")
	}
	r, err := parseResult("noise\nBENCH-RESULT 150 1000000 250 4000 3 2\n")
	if err != nil {
		t.Fatal(err)
	}
	if r.perSecond() != 150 || r.p50 != 250*time.Microsecond || r.p99 != 4*time.Millisecond || r.statusErrors != 3 || r.socketErrors != 2 {
		t.Errorf("parsed %+v", r)
	}
}

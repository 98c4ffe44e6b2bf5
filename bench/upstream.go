package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// echoHeader asks the upstream to answer with the request it received
// (method, path, headers, body) as JSON, so a Setup can check what a proxy
// forwards, e.g. the headers a mutator adds. Without it the upstream
// answers a fixed short body: the load then measures the proxies, not JSON.
const echoHeader = "X-Bench-Echo"

// runUpstream is the `bench upstream` child process: the upstream echo
// server and a bare httputil.ReverseProxy to it, each on its own loopback
// port. It prints both URLs on stdout and serves until stdin closes (the
// harness exited) or it gets SIGTERM or SIGINT. Running them apart from the
// harness keeps wrk's parent out of their scheduling, as Cerberus is.
func runUpstream() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	up, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	px, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	upURL := &url.URL{Scheme: "http", Host: up.Addr().String()}
	servers := []*http.Server{
		{Handler: http.HandlerFunc(echo), ReadHeaderTimeout: 10 * time.Second},
		{Handler: bareProxy(upURL), ReadHeaderTimeout: 10 * time.Second},
	}
	go servers[0].Serve(up)
	go servers[1].Serve(px)
	fmt.Printf("upstream %s\nbareproxy http://%s\n", upURL, px.Addr())

	go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop() }()
	<-ctx.Done()
	for _, s := range servers {
		s.Close()
	}
	return nil
}

// bareProxy is the baseline the proxy head is measured against: the
// standard library's reverse proxy with a transport that keeps as many idle
// connections to the upstream as wrk opens (the default keeps 2 per host,
// which would measure connection set-up instead of proxying).
func bareProxy(target *url.URL) http.Handler {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = 1024
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.SetXForwarded()
		},
		Transport: t,
	}
}

func echo(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(echoHeader) == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"method": r.Method, "host": r.Host, "path": r.URL.Path, "query": r.URL.RawQuery,
		"headers": r.Header, "body": string(body),
	})
}

package main

import (
	"net/http"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

func TestServeAnswersHealthOnEveryListener(t *testing.T) {
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t)})
	for _, base := range []string{in.Public, in.Admin, in.Proxy, in.API} {
		for _, path := range []string{"/health/alive", "/health/ready", "/version"} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s%s = %d", base, path, resp.StatusCode)
			}
		}
	}
}

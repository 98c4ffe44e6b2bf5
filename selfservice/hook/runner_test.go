package hook

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/config"
)

func b64(s string) string { return "base64://" + base64.StdEncoding.EncodeToString([]byte(s)) }

func TestRunParsesAndAuthenticates(t *testing.T) {
	type got struct {
		body   map[string]any
		key    string
		user   string
		method string
	}
	seen := make(chan got, 4)
	answer := make(chan func(http.ResponseWriter), 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var g got
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &g.body)
		g.key = r.Header.Get("X-Api-Key")
		g.user, _, _ = r.BasicAuth()
		g.method = r.Method
		seen <- g
		(<-answer)(w)
	}))
	defer srv.Close()
	run := NewRunner(srv.Client())
	ctxDoc := map[string]any{"identity": map[string]any{"traits": map[string]any{"email": "jane@example.org"}}}

	// std.extVar style, API key, 200 with an identity patch.
	c := &config.WebHookConfig{URL: srv.URL, Method: "POST",
		Body: b64(`local ctx = std.extVar('ctx'); { email: ctx.identity.traits.email }`),
		Auth: &config.WebHookAuth{Type: "api_key"}, Response: config.WebHookResponse{Parse: true}}
	c.Auth.Config.Name, c.Auth.Config.Value, c.Auth.Config.In = "X-Api-Key", "k3y", "header"
	answer <- func(w http.ResponseWriter) {
		w.Write([]byte(`{"identity":{"metadata_public":{"plan":"free"}}}`))
	}
	res, err := run.Run(context.Background(), c, ctxDoc)
	if err != nil {
		t.Fatal(err)
	}
	g := <-seen
	if g.body["email"] != "jane@example.org" || g.key != "k3y" {
		t.Fatalf("hook saw %+v", g)
	}
	if res.Identity == nil || string(res.Identity.MetadataPublic) != `{"plan":"free"}` {
		t.Fatalf("result %+v", res)
	}

	// function(ctx) style, basic auth, 400 with field messages.
	c2 := &config.WebHookConfig{URL: srv.URL, Body: b64(`function(ctx) { who: ctx.identity.traits.email }`),
		Auth: &config.WebHookAuth{Type: "basic_auth"}, Response: config.WebHookResponse{Parse: true}}
	c2.Auth.Config.User, c2.Auth.Config.Password = "hook", "pw"
	answer <- func(w http.ResponseWriter) {
		w.WriteHeader(400)
		w.Write([]byte(`{"messages":[{"instance_ptr":"#/traits/email","messages":[{"id":4000100,"text":"not on the guest list","type":"error","context":{"x":1}}]}]}`))
	}
	res, err = run.Run(context.Background(), c2, ctxDoc)
	if err != nil {
		t.Fatal(err)
	}
	g = <-seen
	if g.body["who"] != "jane@example.org" || g.user != "hook" || g.method != "POST" {
		t.Fatalf("hook saw %+v", g)
	}
	if len(res.Messages) != 1 || res.Messages[0].Field != "traits.email" || res.Messages[0].Message.ID != 4000100 {
		t.Fatalf("messages %+v", res.Messages)
	}

	// A parsing hook that fails is an error; a plain one only logs.
	answer <- func(w http.ResponseWriter) { w.WriteHeader(500) }
	if _, err := run.Run(context.Background(), c2, ctxDoc); !errors.Is(err, ErrHook) {
		t.Fatalf("want ErrHook, got %v", err)
	}
	<-seen
	plain := &config.WebHookConfig{URL: srv.URL}
	answer <- func(w http.ResponseWriter) { w.WriteHeader(500) }
	if res, err := run.Run(context.Background(), plain, ctxDoc); res != nil || err != nil {
		t.Fatalf("plain hook: %v, %v", res, err)
	}
	if g := <-seen; g.body["identity"] == nil {
		t.Fatal("without a template the context itself is sent")
	}

	// response.ignore does not wait for the answer.
	ign := &config.WebHookConfig{URL: srv.URL, Response: config.WebHookResponse{Ignore: true}}
	if res, err := run.Run(context.Background(), ign, ctxDoc); res != nil || err != nil {
		t.Fatalf("ignored hook: %v, %v", res, err)
	}
	select {
	case <-seen:
	case <-time.After(10 * time.Second):
		t.Fatal("the ignored hook was never sent")
	}
	answer <- func(w http.ResponseWriter) {}
}

package store

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

func TestFlows(t *testing.T) {
	ctx := context.Background()
	s := New(pgtest.New(t))
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ui := node.NewContainer("https://auth.example.com/self-service/login?flow=x")
	ui.Upsert(node.NewCSRF("tok"))
	ui.Upsert(node.NewInput(node.GroupDefault, "identifier", node.InputText, text.NewInfoNodeLabelID(), node.Required))
	f := &flow.Flow{ID: uuid.New(), Kind: flow.Login, Type: flow.Browser, State: flow.StateChooseMethod,
		RequestURL: "https://auth.example.com/self-service/login/browser", ReturnTo: "https://app.example.com/",
		UI: ui, CSRFToken: "tok", RequestedAAL: "aal1", IssuedAt: now, ExpiresAt: now.Add(time.Hour),
		CreatedAt: now, UpdatedAt: now}
	if err := s.CreateFlow(ctx, f); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetFlow(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.OwnedBy("tok") || got.OwnedBy("other") || got.OwnedBy("") {
		t.Fatal("flow ownership by CSRF token hash is wrong")
	}
	if got.CSRFToken != "" {
		t.Fatal("the token itself must not come back from the store, only its hash")
	}
	a, _ := json.Marshal(f.UI)
	b, _ := json.Marshal(got.UI)
	if string(a) != string(b) || got.ReturnTo != f.ReturnTo || !got.ExpiresAt.Equal(f.ExpiresAt) {
		t.Fatalf("flow changed in the store:\n%s\n%s", a, b)
	}

	got.UI.AddFieldMessage("identifier", text.NewValidationRequired("identifier"))
	got.State = flow.StatePassed
	got.UpdatedAt = now.Add(time.Minute)
	if err := s.UpdateFlow(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := s.GetFlow(ctx, f.ID)
	if again.State != flow.StatePassed || !again.UI.HasErrors() {
		t.Fatal("update lost")
	}

	if _, err := s.GetFlow(ctx, uuid.New()); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("unknown flow: %v", err)
	}

	// Exactly one of many concurrent completions wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch err := s.MarkFlowUsed(ctx, f.ID, now); {
			case err == nil:
				wins.Add(1)
			case !errors.Is(err, flow.ErrUsed):
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d completions of one flow succeeded", wins.Load())
	}

	e := &flow.Error{ID: uuid.New(), Error: json.RawMessage(`{"id":"x","code":400}`), CreatedAt: now, UpdatedAt: now}
	if err := s.CreateError(ctx, e); err != nil {
		t.Fatal(err)
	}
	ge, err := s.GetError(ctx, e.ID)
	if err != nil || string(ge.Error) != `{"id": "x", "code": 400}` && string(ge.Error) != `{"id":"x","code":400}` {
		t.Fatalf("error = %s, %v", ge.Error, err)
	}
	if n, err := s.Prune(ctx, now.Add(2*time.Hour)); err != nil || n != 2 {
		t.Fatalf("prune = %d, %v", n, err)
	}
}

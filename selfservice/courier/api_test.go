package courier

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/mailtest"
)

func TestAdminAPI(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		to := "a@example.com"
		if i%2 == 1 {
			to = "b@example.com"
		}
		id, err := e.courier.Send(ctx, to, VerificationCodeValid, &TemplateData{VerificationCode: fmt.Sprintf("00000%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id.String())
	}
	e.smtp.Reject("b@example.com", 550)
	if _, err := e.worker(5).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	(&API{Store: e.store}).Mount(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string, want int, v any) http.Header {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
		if v != nil {
			if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
				t.Fatal(err)
			}
		}
		return resp.Header
	}
	type msg struct {
		ID, Status, Recipient, Subject, Body, TemplateType, Type, Channel string
		SendCount                                                         int `json:"send_count"`
		Dispatches                                                        []struct{ Status string }
	}
	fix := func(ms []map[string]any) []msg {
		b, _ := json.Marshal(ms)
		var out []msg
		_ = json.Unmarshal(regexp.MustCompile(`"template_type"`).ReplaceAll(b, []byte(`"templatetype"`)), &out)
		return out
	}

	var all []map[string]any
	get("/admin/courier/messages", 200, &all)
	list := fix(all)
	if len(list) != 5 || list[0].ID != ids[4] || list[4].ID != ids[0] {
		t.Fatalf("list is not newest first: %+v", list)
	}
	if list[4].Subject != "Your verification code" || list[4].Type != "email" || list[4].Channel != "email" ||
		list[4].TemplateType != "verification_code_valid" || list[4].Body == "" || list[4].SendCount != 1 {
		t.Fatalf("message JSON: %+v", list[4])
	}

	var page []map[string]any
	h := get("/admin/courier/messages?page_size=2", 200, &page)
	next := regexp.MustCompile(`<([^>]*)>; rel="next"`).FindStringSubmatch(h.Get("Link"))
	if len(page) != 2 || next == nil {
		t.Fatalf("page 1: %d items, Link %q", len(page), h.Get("Link"))
	}
	var page2 []map[string]any
	get(next[1], 200, &page2)
	if len(page2) != 2 || page2[0]["id"] != ids[2] {
		t.Fatalf("page 2: %+v", page2)
	}

	var sent, abandoned, toB []map[string]any
	get("/admin/courier/messages?status=sent", 200, &sent)
	get("/admin/courier/messages?status=abandoned", 200, &abandoned)
	get("/admin/courier/messages?recipient=b@example.com", 200, &toB)
	if len(sent) != 3 || len(abandoned) != 2 || len(toB) != 2 {
		t.Fatalf("filters: sent %d abandoned %d to b %d", len(sent), len(abandoned), len(toB))
	}

	var one map[string]any
	get("/admin/courier/messages/"+ids[1], 200, &one)
	m := fix([]map[string]any{one})[0]
	if m.Status != "abandoned" || len(m.Dispatches) != 1 || m.Dispatches[0].Status != "failed" {
		t.Fatalf("get: %+v", one)
	}
	get("/admin/courier/messages/"+"00000000-0000-0000-0000-000000000000", 404, nil)
	get("/admin/courier/messages/not-a-uuid", 404, nil)
	get("/admin/courier/messages?status=lost", 400, nil)
	get("/admin/courier/messages?page_token=bogus", 400, nil)
}

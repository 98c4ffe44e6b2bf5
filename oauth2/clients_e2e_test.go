package oauth2_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func adminJSON(t *testing.T, method, u string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, resp.Header
}

// TestClientAdminAPI: Hydra's OAuth2Client JSON on /admin/clients: create
// (secret shown once), get, replace (secret kept unless given), JSON
// Patch, lifespans, paginated list, delete with every token; refusals in
// the RFC 6749 error shape Hydra's SDKs parse.
func TestClientAdminAPI(t *testing.T) {
	in := start(t, "")
	base := in.Admin + "/admin/clients"
	code, c, _ := adminJSON(t, "POST", base, map[string]any{
		"client_id": "app-1", "client_name": "App", "grant_types": []string{"client_credentials"}, "scope": "a b",
		"metadata": map[string]any{"team": "x"},
	})
	if code != 201 || c["client_secret"] == nil || c["token_endpoint_auth_method"] != "client_secret_basic" {
		t.Fatalf("create: %d %v", code, c)
	}
	secret := c["client_secret"].(string)
	tok := func(s string) int {
		st, _ := postForm(t, in.Public+"/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"a"}}, "app-1", s)
		return st
	}
	if tok(secret) != 200 {
		t.Fatal("the new client cannot get a token")
	}
	code, c, _ = adminJSON(t, "POST", base, map[string]any{"client_id": "app-1"})
	if code != 409 {
		t.Fatalf("duplicate id: %d %v", code, c)
	}

	// Replace without client_secret keeps it; the name changes.
	code, c, _ = adminJSON(t, "PUT", base+"/app-1", map[string]any{"client_name": "App 2", "grant_types": []string{"client_credentials"}, "scope": "a"})
	if code != 200 || c["client_name"] != "App 2" || c["client_secret"] != nil {
		t.Fatalf("replace: %d %v", code, c)
	}
	if tok(secret) != 200 {
		t.Fatal("replacing without a secret must keep the secret")
	}
	// Rotating the secret: the old one stops working at once (the verified
	// secret cache is keyed by the stored hash).
	code, c, _ = adminJSON(t, "PUT", base+"/app-1", map[string]any{"client_secret": "a-brand-new-secret", "grant_types": []string{"client_credentials"}, "scope": "a"})
	if code != 200 || c["client_secret"] != "a-brand-new-secret" {
		t.Fatalf("rotate: %d %v", code, c)
	}
	if tok(secret) != 401 || tok("a-brand-new-secret") != 200 {
		t.Fatal("secret rotation must take effect at once")
	}

	code, c, _ = adminJSON(t, "PATCH", base+"/app-1", []map[string]any{{"op": "add", "path": "/audience/-", "value": "api"}, {"op": "replace", "path": "/owner", "value": "ops"}})
	if code != 200 || c["owner"] != "ops" || len(c["audience"].([]any)) != 1 {
		t.Fatalf("patch: %d %v", code, c)
	}
	code, c, _ = adminJSON(t, "PUT", base+"/app-1/lifespans", map[string]any{"client_credentials_grant_access_token_lifespan": "5m"})
	if code != 200 || c["client_credentials_grant_access_token_lifespan"] != "5m0s" {
		t.Fatalf("lifespans: %d %v", code, c)
	}
	_, body := postForm(t, in.Public+"/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"a"}}, "app-1", "a-brand-new-secret")
	if exp := body["expires_in"].(float64); exp > 300 || exp < 290 {
		t.Fatalf("the client's lifespan must apply: expires_in %v", exp)
	}
	at := body["access_token"].(string)

	for _, bad := range []struct {
		name string
		body map[string]any
		err  string
	}{
		{"redirect URI with a fragment", map[string]any{"redirect_uris": []string{"https://a.example/cb#x"}}, "invalid_redirect_uri"},
		{"relative redirect URI", map[string]any{"redirect_uris": []string{"/cb"}}, "invalid_redirect_uri"},
		{"unknown grant", map[string]any{"grant_types": []string{"password"}}, "invalid_client_metadata"},
		{"short secret", map[string]any{"client_secret": "abc"}, "invalid_client_metadata"},
		{"public client with a secret", map[string]any{"token_endpoint_auth_method": "none", "client_secret": "abcdefgh"}, "invalid_client_metadata"},
		{"private_key_jwt without keys", map[string]any{"token_endpoint_auth_method": "private_key_jwt"}, "invalid_client_metadata"},
		{"pairwise subjects", map[string]any{"subject_type": "pairwise"}, "invalid_client_metadata"},
		{"post-logout URI on another host", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "post_logout_redirect_uris": []string{"https://b.example/bye"}}, "invalid_client_metadata"},
		{"unsupported signing algorithm", map[string]any{"id_token_signed_response_alg": "HS256"}, "invalid_client_metadata"},
	} {
		code, c, _ := adminJSON(t, "POST", base, bad.body)
		if code != 400 || c["error"] != bad.err || c["error_description"] == nil {
			t.Errorf("%s: %d %v", bad.name, code, c)
		}
	}
	code, c, _ = adminJSON(t, "POST", base, map[string]any{"client_nmae": "typo"})
	if code != 400 || !strings.Contains(c["error_hint"].(string), "client_nmae") {
		t.Errorf("unknown field: %d %v", code, c)
	}

	for i := range 3 {
		adminJSON(t, "POST", base, map[string]any{"client_id": "list-" + string(rune('a'+i)), "owner": "listing"})
	}
	resp, err := http.Get(base + "?owner=listing&page_size=2")
	if err != nil {
		t.Fatal(err)
	}
	var page []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	link := resp.Header.Get("Link")
	if len(page) != 2 || !strings.Contains(link, `rel="next"`) {
		t.Fatalf("first page: %d %q", len(page), link)
	}
	next := link[strings.Index(link, "<")+1 : strings.Index(link, ">")]
	resp, err = http.Get(in.Admin + next)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if len(page) != 1 || page[0]["client_id"] != "list-c" || resp.Header.Get("Link") != "" {
		t.Fatalf("second page: %v %q", page, resp.Header.Get("Link"))
	}
	out := cli(t, in, "clients", "list", "--page-size", "100")
	if !strings.Contains(out, "CLIENT ID") || !strings.Contains(out, "list-b") {
		t.Fatalf("clients list: %s", out)
	}
	out = cli(t, in, "clients", "update", "list-a", "--name", "renamed", "--format", "json")
	if !strings.Contains(out, `"client_name":"renamed"`) || !strings.Contains(out, `"owner":"listing"`) {
		t.Fatalf("clients update must change only the given fields: %s", out)
	}

	// Delete: gone, with its tokens.
	code, _, _ = adminJSON(t, "DELETE", base+"/app-1", nil)
	if code != 204 {
		t.Fatalf("delete: %d", code)
	}
	code, c, _ = adminJSON(t, "GET", base+"/app-1", nil)
	if code != 404 || c["error"] != "Not Found" {
		t.Fatalf("get deleted: %d %v", code, c)
	}
	if ti := introspect(t, in, at); ti["active"] != false {
		t.Fatalf("a deleted client's token must be inactive: %v", ti)
	}
	if out := cli(t, in, "clients", "delete", "list-a", "list-b"); !strings.Contains(out, "list-a") {
		t.Fatalf("clients delete: %s", out)
	}
}

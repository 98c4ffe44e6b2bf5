package client

import (
	"encoding/json"
	"testing"
)

func TestApplyPatch(t *testing.T) {
	doc := []byte(`{"client_name":"a","redirect_uris":["x","y"],"metadata":{"k":1}}`)
	cases := []struct {
		name string
		ops  string
		want string
		err  bool
	}{
		{"replace", `[{"op":"replace","path":"/client_name","value":"b"}]`, `{"client_name":"b","metadata":{"k":1},"redirect_uris":["x","y"]}`, false},
		{"add to array end", `[{"op":"add","path":"/redirect_uris/-","value":"z"}]`, `{"client_name":"a","metadata":{"k":1},"redirect_uris":["x","y","z"]}`, false},
		{"insert into array", `[{"op":"add","path":"/redirect_uris/0","value":"w"}]`, `{"client_name":"a","metadata":{"k":1},"redirect_uris":["w","x","y"]}`, false},
		{"remove array item", `[{"op":"remove","path":"/redirect_uris/1"}]`, `{"client_name":"a","metadata":{"k":1},"redirect_uris":["x"]}`, false},
		{"nested", `[{"op":"add","path":"/metadata/j","value":2}]`, `{"client_name":"a","metadata":{"j":2,"k":1},"redirect_uris":["x","y"]}`, false},
		{"test passes", `[{"op":"test","path":"/client_name","value":"a"},{"op":"remove","path":"/metadata"}]`, `{"client_name":"a","redirect_uris":["x","y"]}`, false},
		{"test fails", `[{"op":"test","path":"/client_name","value":"b"}]`, ``, true},
		{"replace missing", `[{"op":"replace","path":"/nope","value":1}]`, ``, true},
		{"bad index", `[{"op":"remove","path":"/redirect_uris/9"}]`, ``, true},
		{"move", `[{"op":"move","from":"/client_name","path":"/owner"}]`, `{"metadata":{"k":1},"owner":"a","redirect_uris":["x","y"]}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ops []PatchOp
			if err := json.Unmarshal([]byte(c.ops), &ops); err != nil {
				t.Fatal(err)
			}
			out, err := ApplyPatch(doc, ops)
			if c.err {
				if err == nil {
					t.Fatalf("want an error, got %s", out)
				}
				return
			}
			if err != nil || string(out) != c.want {
				t.Fatalf("got %s %v, want %s", out, err, c.want)
			}
		})
	}
}

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"sort"
	"strings"
	"time"
)

var page = template.Must(template.New("echo").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>echo: {{.Path}}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}
table{border-collapse:collapse;width:100%}td{border-top:1px solid #ddd;padding:.3rem .5rem;vertical-align:top;word-break:break-all}
td:first-child{font-weight:600;white-space:nowrap;width:1%}.hl{background:#fff6d5}</style></head>
<body><h1>Upstream echo</h1><p><code>{{.Method}} {{.Path}}</code> reached the upstream through Cerberus.
Headers the proxy set are highlighted.</p><table>
{{range .Headers}}<tr{{if .Set}} class="hl"{{end}}><td>{{.Name}}</td><td>{{.Value}}</td></tr>{{end}}
</table></body></html>`))

type header struct {
	Name, Value string
	Set         bool
}

func main() {
	addr := flag.String("addr", "127.0.0.1:4480", "address to listen on")
	flag.Parse()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		names := make([]string, 0, len(r.Header))
		for k := range r.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		var hs []header
		for _, k := range names {
			hs = append(hs, header{Name: k, Value: strings.Join(r.Header[k], ", "),
				Set: strings.HasPrefix(k, "X-User") || strings.HasPrefix(k, "X-Forwarded")})
		}
		if strings.Contains(r.Header.Get("Accept"), "text/html") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = page.Execute(w, map[string]any{"Method": r.Method, "Path": r.URL.RequestURI(), "Headers": hs})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "path": r.URL.RequestURI(), "headers": r.Header})
	})
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("echo upstream listening on http://%s/\n", *addr)
	log.Fatal(srv.ListenAndServe())
}

package pipeline

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"

	"github.com/Masterminds/sprig/v3"
)

// funcs are the template functions rules can use: Oathkeeper's print (one
// argument, nil prints as "") and printIndex, plus sprig's. Sprig's env,
// expandenv and getHostByName are left out: a rule file must not be able to
// copy the process environment (DSN, secrets) into a header sent upstream,
// or make DNS lookups per request.
var funcs = sync.OnceValue(func() template.FuncMap {
	m := sprig.TxtFuncMap()
	for _, unsafe := range []string{"env", "expandenv", "getHostByName"} {
		delete(m, unsafe)
	}
	m["print"] = printValue
	m["printIndex"] = func(list any, i int) string {
		v := reflect.ValueOf(list)
		if list == nil || v.Kind() != reflect.Slice || i < 0 || i >= v.Len() {
			return ""
		}
		return fmt.Sprintf("%v", v.Index(i))
	}
	return m
})

func printValue(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf("%v", v)
}

// Template is a compiled rule template, rendered against a Session. The
// common shapes ("{{ print .Subject }}", "{{ .Extra.email }}", literal text)
// are rendered without reflection; anything else goes through
// text/template, and both paths produce the same output.
type Template struct {
	text string
	tmpl *template.Template
	fast []fastPart // nil when the template needs text/template
}

// ParseTemplate compiles text; name identifies it in error messages.
func ParseTemplate(name, text string) (*Template, error) {
	t, err := template.New(name).Option("missingkey=zero").Funcs(funcs()).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("template %q does not parse: %w", text, err)
	}
	return &Template{text: text, tmpl: t, fast: compileFast(t)}, nil
}

// Text is the template's source.
func (t *Template) Text() string { return t.text }

// UsesMatchContext reports whether the template reads .MatchContext, so the
// rule computes its capture groups only when something needs them.
func (t *Template) UsesMatchContext() bool { return strings.Contains(t.text, "MatchContext") }

// MatchContextUser is implemented by handlers that read the session's
// MatchContext (through templates or by sending the session elsewhere).
type MatchContextUser interface{ UsesMatchContext() bool }

// Render executes the template for s.
func (t *Template) Render(s *Session) (string, error) {
	if t.fast != nil {
		if out, ok := renderFast(t.fast, s); ok {
			return out, nil
		}
	}
	var b strings.Builder
	if err := t.tmpl.Execute(&b, s); err != nil {
		return "", fmt.Errorf("template %q failed: %w", t.text, err)
	}
	return b.String(), nil
}

// RenderHeader executes the template and refuses output that cannot be a
// header value: a CR or LF would let session data (a trait, a claim) start
// a new header line upstream, and other control bytes are invalid there.
func (t *Template) RenderHeader(s *Session) (string, error) {
	v, err := t.Render(s)
	if err != nil {
		return "", err
	}
	if i := strings.IndexFunc(v, isHeaderControl); i >= 0 {
		return "", fmt.Errorf("template %q produced a control character (%q at byte %d); refusing to send it as a header value", t.text, v[i], i)
	}
	return v, nil
}

// RFC 9110 §5.5: field values are visible characters, spaces and tabs; CR,
// LF and NUL must not appear.
func isHeaderControl(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f }

// fastPart is literal text or a field chain on the session.
type fastPart struct {
	literal string
	field   []string // .Subject, or .Extra followed by map keys
	print   bool     // wrapped in print: a missing value prints ""
}

// compileFast recognises templates made only of text and actions of the
// form {{ .Subject }}, {{ print .Subject }}, {{ .Extra.a.b }} or
// {{ print .Extra.a.b }}.
func compileFast(t *template.Template) []fastPart {
	if t.Tree == nil || t.Tree.Root == nil {
		return nil
	}
	var parts []fastPart
	for _, n := range t.Tree.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			parts = append(parts, fastPart{literal: string(n.Text)})
		case *parse.ActionNode:
			p := n.Pipe
			if p == nil || len(p.Decl) != 0 || len(p.Cmds) != 1 {
				return nil
			}
			args := p.Cmds[0].Args
			var part fastPart
			switch {
			case len(args) == 1:
			case len(args) == 2 && isIdent(args[0], "print"):
				part.print = true
				args = args[1:]
			default:
				return nil
			}
			f, ok := args[0].(*parse.FieldNode)
			if !ok || !fastField(f.Ident) {
				return nil
			}
			part.field = f.Ident
			parts = append(parts, part)
		default:
			return nil
		}
	}
	if parts == nil {
		parts = []fastPart{{}}
	}
	return parts
}

func isIdent(n parse.Node, name string) bool {
	id, ok := n.(*parse.IdentifierNode)
	return ok && id.Ident == name
}

func fastField(ident []string) bool {
	switch {
	case len(ident) == 1 && ident[0] == "Subject":
		return true
	case len(ident) >= 2 && ident[0] == "Extra":
		return true
	}
	return false
}

// renderFast renders the happy path: string values, and missing map keys
// at the end of a chain. Anything else (numbers, lists, a missing key in
// the middle of a chain) reports ok=false and text/template decides.
func renderFast(parts []fastPart, s *Session) (string, bool) {
	if len(parts) == 1 {
		switch p := parts[0]; {
		case p.field == nil:
			return p.literal, true
		case len(p.field) == 1: // .Subject: no copy at all
			return s.Subject, true
		}
	}
	var b strings.Builder
	for _, p := range parts {
		if p.field == nil {
			b.WriteString(p.literal)
			continue
		}
		if p.field[0] == "Subject" {
			b.WriteString(s.Subject)
			continue
		}
		cur := s.Extra
		var v any
		for i, key := range p.field[1:] {
			if cur == nil {
				return "", false
			}
			x, ok := cur[key]
			if i == len(p.field)-2 {
				if !ok || x == nil {
					v = nil
					break
				}
				v = x
				break
			}
			next, isMap := x.(map[string]any)
			if !isMap {
				return "", false
			}
			cur = next
		}
		switch x := v.(type) {
		case nil:
			if !p.print {
				b.WriteString("<no value>")
			}
		case string:
			b.WriteString(x)
		default:
			return "", false
		}
	}
	return b.String(), true
}

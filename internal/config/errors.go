package config

import (
	"sort"
	"strings"
)

// Problem is one thing wrong with a configuration, at a key path written the
// way a person types it: serve.public.port, secrets.system[0].
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Error lists every problem found while loading a configuration.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "invalid configuration: " + strings.Join(lines, "; ")
}

func (e *Error) add(path []string, msg string) {
	e.Problems = append(e.Problems, Problem{Path: formatPath(path), Message: msg})
}

func (e *Error) orNil() error {
	if len(e.Problems) == 0 {
		return nil
	}
	sort.SliceStable(e.Problems, func(i, j int) bool { return e.Problems[i].Path < e.Problems[j].Path })
	// The same leaf can fail through several schema branches; say it once.
	out := e.Problems[:0]
	for i, p := range e.Problems {
		if i > 0 && p == e.Problems[i-1] {
			continue
		}
		out = append(out, p)
	}
	e.Problems = out
	return e
}

// formatPath joins path segments as dotted keys with [n] for indexes.
func formatPath(path []string) string {
	var b strings.Builder
	for _, seg := range path {
		if isIndex(seg) {
			b.WriteString("[" + seg + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// splitPointer turns a JSON pointer ("/serve/public/port") into segments.
func splitPointer(ptr string) []string {
	if ptr == "" || ptr == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		p = strings.ReplaceAll(p, "~1", "/")
		parts[i] = strings.ReplaceAll(p, "~0", "~")
	}
	return parts
}

package ui

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

func itoa(n int) string { return strconv.Itoa(n) }

func initial(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return "?"
	}
	return string(unicode.ToUpper(r))
}

func msgText(m *text.Message) string {
	if m == nil {
		return ""
	}
	return m.Text
}

// label is the text a node is labelled with: its meta label, else its name.
func label(n *node.Node) string {
	if n.Meta.Label != nil && n.Meta.Label.Text != "" {
		return n.Meta.Label.Text
	}
	if in := n.Input(); in != nil {
		if in.Label != nil {
			return in.Label.Text
		}
		name := in.Name
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		return strings.ReplaceAll(name, "_", " ")
	}
	return n.ID()
}

// fieldID is the HTML id of a node's input: unique per group, so a page
// with a profile and a password form has no clashes.
func fieldID(n *node.Node) string {
	var b strings.Builder
	b.WriteString("f-")
	b.WriteString(string(n.Group))
	b.WriteByte('-')
	for _, r := range n.ID() {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

func valueString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String()
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	return fmt.Sprint(v)
}

// formNodes picks the nodes of one form: the default group (CSRF token,
// identifier) and the given groups, in flow order.
func formNodes(ns node.Nodes, groups []node.Group) node.Nodes {
	out := make(node.Nodes, 0, len(ns))
	for _, n := range ns {
		if n.Group == node.GroupDefault {
			out = append(out, n)
			continue
		}
		for _, g := range groups {
			if n.Group == g {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

func hasGroup(c *node.Container, g node.Group) bool {
	for _, n := range c.Nodes {
		if n.Group == g {
			return true
		}
	}
	return false
}

func loginTitle(f *flow.Flow) string {
	if f.Refresh {
		return "Confirm it's you"
	}
	return "Sign in"
}

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func humanTime(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") }

// deviceName turns a user agent into a short description.
func deviceName(s flow.SessionView) string {
	ua := s.UserAgent
	if ua == "" {
		return "Unknown device"
	}
	browser := ""
	for _, b := range []string{"Edg", "Firefox", "Chrome", "Safari", "curl", "Go-http-client"} {
		if strings.Contains(ua, b+"/") {
			browser = map[string]string{"Edg": "Edge"}[b]
			if browser == "" {
				browser = b
			}
			break
		}
	}
	osName := ""
	for _, o := range []string{"Windows", "Android", "iPhone", "iPad", "Mac OS X", "Linux"} {
		if strings.Contains(ua, o) {
			osName = strings.Replace(o, "Mac OS X", "macOS", 1)
			break
		}
	}
	switch {
	case browser != "" && osName != "":
		return browser + " on " + osName
	case browser != "":
		return browser
	}
	if len(ua) > 60 {
		ua = ua[:60] + "…"
	}
	return ua
}

// errorView is a stored self-service error as the error page shows it.
type errorView struct {
	ID      string `json:"id"`
	Code    int    `json:"code"`
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	Msg     string `json:"message"`
	Request string `json:"request"`
}

// Title is the page heading.
func (e errorView) Title() string {
	switch {
	case e.Code == 403:
		return "Request blocked"
	case e.Code == 410:
		return "This link has expired"
	case e.Code >= 500:
		return "Something went wrong"
	case e.Code == 0:
		return "Error"
	}
	return "We could not do that"
}

// Message is the first line, with a capital.
func (e errorView) Message() string {
	m := e.Msg
	if m == "" {
		m = "An unknown error occurred."
	}
	r, n := utf8.DecodeRuneInString(m)
	return string(unicode.ToUpper(r)) + m[n:]
}

// required tells the page whether a field must be filled. A one-time code
// is not marked required in the flow (the resend button posts the same
// form without it, as in Kratos), but on the page it is: the resend button
// skips the browser's validation instead (skipsValidation).
func required(a *node.InputAttributes) bool {
	return a.Required || a.Autocomplete == "one-time-code"
}

// skipsValidation marks submit buttons that are not the form's main action
// (Kratos names those "method"), such as "send another code": they must
// work with the other fields empty. The server validates either way.
func skipsValidation(a *node.InputAttributes) bool { return a.Name != "method" }

package selfservice

import (
	"fmt"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// allowedHooks says which hooks each position runs, as Kratos allows them.
var allowedHooks = map[string][]string{
	"login.after":        {hookRevokeActiveSessions, hookRequireVerifiedAddress, hookWebHook},
	"registration.after": {hookSession, hookShowVerificationUI, hookWebHook},
	"settings.after":     {hookRevokeActiveSessions, hookWebHook},
	"recovery.after":     {hookRevokeActiveSessions, hookWebHook},
	"verification.after": {hookWebHook},
	"before":             {hookWebHook},
}

// CheckConfig reports hooks in places they do not work (a session hook
// after login, say) and web hooks without a URL, naming the key, so a
// misplaced hook fails the start instead of silently doing nothing.
func CheckConfig(c config.SelfService) error {
	var problems []string
	check := func(path, kind string, hooks []config.Hook) {
		for i, h := range hooks {
			ok := false
			for _, a := range allowedHooks[kind] {
				ok = ok || a == h.Hook
			}
			key := fmt.Sprintf("selfservice.flows.%s.hooks[%d]", path, i)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: hook %q cannot run here (allowed: %s)", key, h.Hook,
					strings.Join(allowedHooks[kind], ", ")))
			}
			if h.Hook == hookWebHook && (h.Config == nil || h.Config.URL == "") {
				problems = append(problems, key+": web_hook needs config.url")
			}
			if h.Hook != hookWebHook && h.Config != nil {
				problems = append(problems, fmt.Sprintf("%s: hook %q takes no config", key, h.Hook))
			}
		}
	}
	after := func(flow string, a config.AfterHooks, methods ...string) {
		check(flow+".after", flow+".after", a.Hooks)
		for _, m := range []struct {
			name string
			h    *config.MethodHooks
		}{{"password", a.Password}, {"profile", a.Profile}} {
			if m.h == nil {
				continue
			}
			if !contains(methods, m.name) {
				problems = append(problems, fmt.Sprintf("selfservice.flows.%s.after.%s: the %s flow has no %s method", flow, m.name, flow, m.name))
				continue
			}
			check(flow+".after."+m.name, flow+".after", m.h.Hooks)
		}
	}
	f := c.Flows
	after("login", f.Login.After, "password")
	after("registration", f.Registration.After, "password")
	after("settings", f.Settings.After, "password", "profile")
	check("recovery.after", "recovery.after", f.Recovery.After.Hooks)
	check("verification.after", "verification.after", f.Verification.After.Hooks)
	for name, b := range map[string]*config.BeforeHooks{"login": f.Login.Before, "registration": f.Registration.Before,
		"settings": f.Settings.Before, "recovery": f.Recovery.Before, "verification": f.Verification.Before} {
		if b != nil {
			check(name+".before", "before", b.Hooks)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package authn

import (
	"fmt"

	"github.com/ory/fosite"
)

// scopeStrategy resolves scope_strategy; nil means "none".
func scopeStrategy(name string) (fosite.ScopeStrategy, error) {
	switch name {
	case "", "none":
		return nil, nil
	case "hierarchic":
		return fosite.HierarchicScopeStrategy, nil
	case "exact":
		return fosite.ExactScopeStrategy, nil
	case "wildcard":
		return fosite.WildcardScopeStrategy, nil
	}
	return nil, fmt.Errorf("config.scope_strategy: %q is not one of hierarchic, exact, wildcard, none", name)
}

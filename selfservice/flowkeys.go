package selfservice

import (
	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// flowKeys are the keys every flows.<kind> section has, picked out of the
// kind's own config struct in one place.
type flowKeys struct {
	uiURL    string
	lifespan config.Duration
	before   *config.BeforeHooks
}

func (h *Handler) flowKeys(k flow.Kind) flowKeys {
	f := &h.cfg.Flows
	switch k {
	case flow.Login:
		return flowKeys{f.Login.UIURL, f.Login.Lifespan, f.Login.Before}
	case flow.Registration:
		return flowKeys{f.Registration.UIURL, f.Registration.Lifespan, f.Registration.Before}
	case flow.Recovery:
		return flowKeys{f.Recovery.UIURL, f.Recovery.Lifespan, f.Recovery.Before}
	case flow.Verification:
		return flowKeys{f.Verification.UIURL, f.Verification.Lifespan, f.Verification.Before}
	}
	return flowKeys{f.Settings.UIURL, f.Settings.Lifespan, f.Settings.Before}
}

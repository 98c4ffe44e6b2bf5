package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/secretbox"
	"github.com/cerberus-iam/cerberus/selfservice/courier"
)

// mountCourier builds the mail queue: a.courier for the flows that send
// mail, the admin routes, and (when courier.smtp.connection_uri is set)
// the worker that delivers. Without an SMTP server messages still queue,
// and are sent once one is configured.
func (a *app) mountCourier(ctx context.Context) error {
	c := a.cfg.Courier
	tpl, err := loadCourierTemplates(a.cfg)
	if err != nil {
		return err
	}
	box, err := secretbox.New(a.cfg.Secrets.SystemSecrets(), "courier")
	if err != nil {
		return err
	}
	store := courier.NewStore(a.pool, box)
	a.reg.MustRegister(courier.NewQueueCollector(store, a.now))
	var wake func()
	if c.SMTP.ConnectionURI != "" {
		sender, err := courier.NewSMTP(c.SMTP, a.log)
		if err != nil {
			return err
		}
		w := courier.NewWorker(courier.WorkerOptions{Store: store, Sender: sender, Retries: c.Retries(),
			PullCount: c.Worker.PullCount, PullWait: c.Worker.PullWait.D(), Lease: c.Worker.Lease.D(),
			BackoffInitial: c.Worker.RetryBackoff.Initial.D(), BackoffMax: c.Worker.RetryBackoff.Max.D(),
			Log: a.log, Now: a.now, Metrics: a.reg})
		wake = w.Wake
		a.workers = append(a.workers, w.Run)
	} else {
		a.log.Warn("courier: no courier.smtp.connection_uri; e-mails are queued but not sent")
	}
	a.courier = courier.New(store, tpl, a.now, nil, wake)
	a.addHousekeeping(pruner{what: "sent and abandoned mail", retention: mailRetention, prune: store.Prune})
	if l := a.srv.Listener("admin"); l != nil {
		(&courier.API{Store: store}).Mount(l.Mux)
	}
	return nil
}

// loadCourierTemplates resolves template_override_path against the first
// config file's directory (as file:// URLs are) and parses the templates.
func loadCourierTemplates(cfg *config.Config) (*courier.Templates, error) {
	c := cfg.Courier
	if p := c.TemplateOverridePath; p != "" && !filepath.IsAbs(p) && len(cfg.Source) > 0 {
		c.TemplateOverridePath = filepath.Join(filepath.Dir(cfg.Source[0]), p)
	}
	return courier.LoadTemplates(c)
}

// validateCourier checks what the schema cannot: templates parse and
// render, the connection URI and TLS files are usable, and flows that send
// mail have somewhere to send it.
func validateCourier(cfg *config.Config) error {
	if _, err := loadCourierTemplates(cfg); err != nil {
		return err
	}
	if cfg.Courier.SMTP.ConnectionURI != "" {
		if _, err := courier.NewSMTP(cfg.Courier.SMTP, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			return err
		}
	}
	f, m := cfg.SelfService.Flows, cfg.SelfService.Methods
	if (f.Recovery.IsEnabled() || f.Verification.IsEnabled()) && cfg.Courier.SMTP.ConnectionURI == "" {
		return errors.New("courier.smtp.connection_uri: required when selfservice.flows.recovery or verification is enabled")
	}
	for name, fl := range map[string]config.MailFlow{"recovery": f.Recovery, "verification": f.Verification} {
		on := fl.Use == "code" && m.Code.IsEnabled() || fl.Use == "link" && m.Link.IsEnabled()
		if fl.IsEnabled() && !on {
			return fmt.Errorf("selfservice.flows.%s.use is %s, but selfservice.methods.%s.enabled is false", name, fl.Use, fl.Use)
		}
	}
	return nil
}

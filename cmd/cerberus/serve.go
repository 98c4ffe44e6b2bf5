package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/devpg"
	"github.com/cerberus-iam/cerberus/internal/memtrim"
	"github.com/cerberus-iam/cerberus/internal/server"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/internal/tracing"
	"github.com/cerberus-iam/cerberus/migrations"
	"github.com/cerberus-iam/cerberus/oauth2"
	"github.com/cerberus-iam/cerberus/selfservice"
	"github.com/cerberus-iam/cerberus/selfservice/courier"
)

type serveFlags struct {
	configFlags
	dev     bool
	migrate bool
	dataDir string
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [--config FILE] [--dev] [--migrate]",
		Short: "Run Cerberus: public, admin, proxy and API listeners",
		Long: `Serve runs every enabled listener:

  public  4433  self-service flows, sessions, OAuth2 endpoints, login pages
  admin   4434  identities, sessions, clients, keys, metrics (keep private)
  proxy   4455  the identity-aware reverse proxy
  api     4456  the decision API for nginx, Traefik, Envoy and friends

It refuses to start on a database that is behind its migrations unless
--migrate is given. SIGINT or SIGTERM stop it gracefully: the listeners
report not-ready, in-flight requests finish (up to serve.shutdown_timeout),
then the database pool closes.

With --dev and no dsn, Cerberus runs a private Postgres from the machine's
PostgreSQL server binaries in dev.data_dir (default ./.cerberus/postgres),
applies migrations, and stops it on exit. --dev also generates any missing
secrets once and keeps them in that directory. It adds no rules, clients or
identities: demo content belongs in the config (deploy/examples/dev.yaml).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), &f)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&f.dev, "dev", false, "development mode: managed local Postgres when dsn is unset, generated secrets")
	cmd.Flags().BoolVar(&f.migrate, "migrate", false, "apply pending migrations before serving")
	cmd.Flags().StringVar(&f.dataDir, "data-dir", "", "with --dev: where the managed Postgres and generated secrets live (overrides dev.data_dir)")
	return cmd
}

// app holds what the heads are built from. Fields are filled in order by
// runServe; mount functions read them.
type app struct {
	cfg  *config.Config
	log  *slog.Logger
	pool *pgxpool.Pool
	srv  *server.Server
	reg  *prometheus.Registry
	now  func() time.Time
	dev  bool
	// tracing is nil when no tracer is configured; its accessors then
	// hand back nothing to call (Transport returns its argument).
	tracing *tracing.Provider
	// workers run beside the listeners and stop with them.
	workers []func(ctx context.Context)
	// notify delivers Postgres notifications to the heads that subscribe
	// while mounting (one connection for all of them).
	notify *storage.Notifier
	// identity is set by mountIdentity for the heads wired after it.
	identity *identityHead
	// oauth2 is set by mountOAuth2 for the heads wired after it.
	oauth2 *oauth2.Head
	// oauth2Login is the OAuth2 head's login-request bridge for the login
	// flow (login_challenge); set by the OAuth2 wiring before
	// mountSelfService, nil until then.
	oauth2Login selfservice.OAuth2Login
	// courier queues e-mail for the flows (wire_courier.go).
	courier *courier.Courier
}

func runServe(ctx context.Context, f *serveFlags) error {
	cfg, err := f.load()
	if err != nil {
		return err
	}
	if f.dataDir != "" {
		cfg.Dev.DataDir = f.dataDir
	}
	log := newLogger(cfg.Log, os.Stderr)
	slog.SetDefault(log)
	if err := server.Validate(cfg.Serve); err != nil {
		return err
	}
	if err := validateHeads(cfg); err != nil {
		return err
	}
	tp, err := tracing.New(ctx, cfg.Tracing, log)
	if err != nil {
		return err
	}
	defer flushTraces(tp, log)

	var pg *devpg.Server
	if f.dev {
		if err := fillDevSecrets(cfg, log); err != nil {
			return err
		}
		if cfg.DSN == "" {
			pg, err = devpg.Start(ctx, devpg.Options{DataDir: cfg.Dev.DataDir, Logger: log})
			if err != nil {
				return err
			}
			defer func() {
				if err := pg.Stop(context.Background()); err != nil {
					log.Warn("stopping managed postgres", "error", err)
				} else {
					log.Info("managed postgres stopped")
				}
			}()
			cfg.DSN = pg.DSN()
		}
	}
	if err := cfg.RequireServe(); err != nil {
		return err
	}

	po := poolOptions(cfg)
	po.Tracer = tp.QueryTracer()
	pool, err := storage.Open(ctx, cfg.DSN, po)
	if err != nil {
		return err
	}
	defer pool.Close()

	m, err := migrations.New(pool, migrations.FS())
	if err != nil {
		return err
	}
	defer m.Close()
	if f.migrate || pg != nil {
		if _, err := m.Up(ctx); err != nil {
			return migrateError(ctx, err)
		}
	} else if pending, err := m.Pending(ctx); err != nil {
		return fmt.Errorf("checking migrations: %w", err)
	} else if pending {
		return errors.New("the database is behind this version of Cerberus: run `cerberus migrate up`, or start with --migrate")
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		storage.NewPoolCollector(pool))
	srv := server.New(cfg.Serve, readiness(pool, m), reg)
	srv.SetTracer(tp.Server())
	a := &app{cfg: cfg, log: log, pool: pool, srv: srv, reg: reg, now: time.Now, dev: f.dev, tracing: tp,
		notify: storage.NewNotifier(pool, log)}
	if err := a.mountHeads(ctx); err != nil {
		return err
	}
	// After mounting: every subscription is in.
	a.workers = append(a.workers, a.notify.Run)
	if err := srv.Bind(); err != nil {
		return err
	}
	tp.Announce(log)
	warnAboutLogSettings(cfg.Log, log)
	if f.dev {
		printDevBanner(a)
	}
	// Start-up (schema compilation, key generation, migrations, package
	// initialisation) leaves garbage and once-used binary pages behind; hand
	// them back so the idle footprint is what serving needs.
	st := memtrim.Release()
	log.Debug("start-up memory released", "binary_pages_advised_bytes", st.BinaryBytes)

	wctx, cancelWorkers := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	for _, w := range a.workers {
		go func() { w(wctx); done <- struct{}{} }()
	}
	err = srv.Serve(ctx)
	cancelWorkers()
	for range a.workers {
		<-done
	}
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// readiness is ready when the database answers and is not behind.
func readiness(pool *pgxpool.Pool, m *migrations.Migrator) server.ReadyFunc {
	return func(ctx context.Context) error {
		if err := pool.Ping(ctx); err != nil {
			cfg := pool.Config().ConnConfig
			return storage.Describe(err, cfg.Host, cfg.Port, cfg.Database)
		}
		pending, err := m.Pending(ctx)
		if err != nil {
			return fmt.Errorf("checking migrations: %w", err)
		}
		if pending {
			return errors.New("database migrations are pending")
		}
		return nil
	}
}

func poolOptions(c *config.Config) storage.PoolOptions {
	return storage.PoolOptions{
		MaxConns: c.Database.MaxConns, MinConns: c.Database.MinConns,
		MaxConnLifetime: c.Database.MaxConnLifetime.D(), MaxConnIdleTime: c.Database.MaxConnIdleTime.D(),
		ConnectTimeout: c.Database.ConnectTimeout.D(),
	}
}

// mountHeads builds each head and mounts its routes. Each head's wiring
// lives in its own wire_<head>.go file.
func (a *app) mountHeads(ctx context.Context) error {
	for _, mount := range a.heads() {
		if err := mount(ctx); err != nil {
			return err
		}
	}
	return nil
}

// heads lists the wiring steps in dependency order.
func (a *app) heads() []func(context.Context) error {
	return []func(context.Context) error{
		a.mountIdentity,
		a.mountCourier,
		a.mountOAuth2,
		a.mountSelfService,
		a.mountProxy,
	}
}

// validateHeads runs each head's start-up checks that the schema cannot
// express (for example, that identity schemas load), for `config validate`.
func validateHeads(c *config.Config) error {
	if err := validateIdentity(c); err != nil {
		return err
	}
	if err := validateCourier(c); err != nil {
		return err
	}
	if err := validateSelfService(c); err != nil {
		return err
	}
	if err := oauth2.Validate(c); err != nil {
		return err
	}
	if err := tracing.Validate(c.Tracing); err != nil {
		return err
	}
	return validateProxy(c)
}

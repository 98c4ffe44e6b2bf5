package config

// Config is the whole resolved configuration. Sections a head does not use
// stay at their zero values; Load fills defaults for every section.
type Config struct {
	// Version is accepted because Ory config files carry it; it is ignored.
	Version string `json:"version,omitempty"`
	// DSN is the Postgres connection URL. Empty means "use the managed dev
	// Postgres", which only `serve --dev` allows.
	DSN         string      `json:"dsn,omitempty"`
	Serve       Serve       `json:"serve"`
	Secrets     Secrets     `json:"secrets"`
	Log         Log         `json:"log"`
	Dev         Dev         `json:"dev"`
	Database    Database    `json:"database"`
	Cookies     Cookies     `json:"cookies"`
	SelfService SelfService `json:"selfservice"`
	UI          UI          `json:"ui"`
	Identity    Identity    `json:"identity"`
	Session     Session     `json:"session"`
	Hashers     Hashers     `json:"hashers"`
	Courier     Courier     `json:"courier"`
	Tracing     Tracing     `json:"tracing"`

	// The proxy head (Oathkeeper's sections).
	AccessRules    AccessRules    `json:"access_rules"`
	Authenticators Authenticators `json:"authenticators"`
	Authorizers    Authorizers    `json:"authorizers"`
	Mutators       Mutators       `json:"mutators"`
	Errors         Errors         `json:"errors"`

	// The OAuth2 / OpenID Connect head (Hydra's keys, one level down).
	OAuth2 OAuth2 `json:"oauth2"`

	// Source lists the files the configuration was read from, in order.
	Source []string `json:"-"`
}

// Log configures the structured logger.
type Log struct {
	// Level is one of trace, debug, info, warn, error (fatal and panic are
	// accepted as Ory spellings of error). Default info.
	Level string `json:"level,omitempty"`
	// Format is json (default), json_pretty or text.
	Format string `json:"format,omitempty"`
	// LeakSensitiveValues is accepted for Ory configs; Cerberus logs no
	// sensitive values either way (serve warns when it is true).
	LeakSensitiveValues bool `json:"leak_sensitive_values,omitempty"`
	// RedactionText is accepted for Ory configs and used nowhere: values
	// that are sensitive are left out of logs, not replaced.
	RedactionText string `json:"redaction_text,omitempty"`
}

// Dev configures `serve --dev`.
type Dev struct {
	// DataDir holds the managed Postgres cluster and generated secrets.
	DataDir string `json:"data_dir,omitempty"`
}

// Database tunes the pgx pool.
type Database struct {
	MaxConns        int32    `json:"max_conns,omitempty"`
	MinConns        int32    `json:"min_conns,omitempty"`
	MaxConnLifetime Duration `json:"max_conn_lifetime,omitempty"`
	MaxConnIdleTime Duration `json:"max_conn_idle_time,omitempty"`
	ConnectTimeout  Duration `json:"connect_timeout,omitempty"`
}

func (c *Config) applyDefaults() {
	c.Serve.applyDefaults()
	c.Cookies.applyDefaults()
	c.SelfService.applyDefaults()
	c.UI.applyDefaults()
	c.Identity.applyDefaults()
	c.Session.applyDefaults(c.Cookies)
	c.Hashers.applyDefaults()
	c.AccessRules.applyDefaults()
	c.Errors.applyDefaults()
	c.OAuth2.applyDefaults()
	c.Courier.applyDefaults()
	c.Tracing.applyDefaults()
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "json"
	}
	if c.Dev.DataDir == "" {
		c.Dev.DataDir = ".cerberus/postgres"
	}
	if c.Database.ConnectTimeout == 0 {
		c.Database.ConnectTimeout = Duration(5e9)
	}
}

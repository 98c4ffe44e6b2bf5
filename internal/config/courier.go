package config

import "time"

// Courier is Kratos's courier section: the mail queue and its SMTP server.
type Courier struct {
	// DeliveryStrategy is smtp (the only one implemented).
	DeliveryStrategy string      `json:"delivery_strategy,omitempty"`
	SMTP             CourierSMTP `json:"smtp"`
	// Templates override built-in templates part by part.
	Templates *CourierTemplates `json:"templates,omitempty"`
	// TemplateOverridePath is a directory of <template>/<valid|invalid>/
	// email.*.gotmpl files, Kratos's layout.
	TemplateOverridePath string `json:"template_override_path,omitempty"`
	// MessageRetries is how often a failed message is retried before it is
	// abandoned (default 5).
	MessageRetries *int          `json:"message_retries,omitempty"`
	Worker         CourierWorker `json:"worker"`
}

// Retries returns message_retries with its default.
func (c Courier) Retries() int {
	if c.MessageRetries == nil {
		return 5
	}
	return *c.MessageRetries
}

// CourierSMTP is the SMTP server messages go through.
type CourierSMTP struct {
	// ConnectionURI is smtp://user:pass@host:port/ (STARTTLS) or smtps://
	// (implicit TLS), with ?disable_starttls=true and ?skip_ssl_verify=true.
	ConnectionURI  string            `json:"connection_uri,omitempty"`
	FromAddress    string            `json:"from_address,omitempty"`
	FromName       string            `json:"from_name,omitempty"`
	Headers        map[string]string `json:"headers,omitempty"`
	LocalName      string            `json:"local_name,omitempty"`
	ClientCertPath string            `json:"client_cert_path,omitempty"`
	ClientKeyPath  string            `json:"client_key_path,omitempty"`
}

// CourierTemplates are the per-template overrides.
type CourierTemplates struct {
	Recovery         *TemplateVariants `json:"recovery,omitempty"`
	RecoveryCode     *TemplateVariants `json:"recovery_code,omitempty"`
	Verification     *TemplateVariants `json:"verification,omitempty"`
	VerificationCode *TemplateVariants `json:"verification_code,omitempty"`
}

// TemplateVariants are the valid (address known) and invalid (address
// unknown) variants of one template.
type TemplateVariants struct {
	Valid   *TemplateChannels `json:"valid,omitempty"`
	Invalid *TemplateChannels `json:"invalid,omitempty"`
}

// TemplateChannels holds a template per channel; only e-mail exists.
type TemplateChannels struct {
	Email *EmailTemplateURLs `json:"email,omitempty"`
}

// EmailTemplateURLs are file:// or base64:// URLs of template parts.
type EmailTemplateURLs struct {
	Subject string `json:"subject,omitempty"`
	Body    struct {
		HTML      string `json:"html,omitempty"`
		Plaintext string `json:"plaintext,omitempty"`
	} `json:"body"`
}

// CourierWorker tunes the queue worker.
type CourierWorker struct {
	PullCount    int          `json:"pull_count,omitempty"`
	PullWait     Duration     `json:"pull_wait,omitempty"`
	Lease        Duration     `json:"lease,omitempty"`
	RetryBackoff RetryBackoff `json:"retry_backoff"`
}

// RetryBackoff is an exponential backoff between initial and max.
type RetryBackoff struct {
	Initial Duration `json:"initial,omitempty"`
	Max     Duration `json:"max,omitempty"`
}

func (c *Courier) applyDefaults() {
	if c.DeliveryStrategy == "" {
		c.DeliveryStrategy = "smtp"
	}
	if c.SMTP.FromAddress == "" {
		c.SMTP.FromAddress = "no-reply@ory.kratos.sh"
	}
	w := &c.Worker
	if w.PullCount == 0 {
		w.PullCount = 10
	}
	if w.PullWait == 0 {
		w.PullWait = Duration(time.Second)
	}
	if w.Lease == 0 {
		w.Lease = Duration(time.Minute)
	}
	if w.RetryBackoff.Initial == 0 {
		w.RetryBackoff.Initial = Duration(10 * time.Second)
	}
	if w.RetryBackoff.Max == 0 {
		w.RetryBackoff.Max = Duration(10 * time.Minute)
	}
	if w.RetryBackoff.Max < w.RetryBackoff.Initial {
		w.RetryBackoff.Max = w.RetryBackoff.Initial
	}
}

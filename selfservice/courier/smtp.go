package courier

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// Outgoing is one e-mail handed to a Sender.
type Outgoing struct {
	// ID becomes the Message-ID, the same on every attempt.
	ID      string
	To      string
	Content Content
}

// Sender delivers one e-mail.
type Sender interface {
	Send(ctx context.Context, m *Outgoing) error
}

// PermanentError is a refusal that retrying cannot fix (the server
// rejected the recipient with a 5xx reply).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// SMTP sends through one SMTP server with go-mail.
type SMTP struct {
	opts    []gomail.Option
	host    string
	from    string
	name    string
	domain  string
	headers map[string]string
}

// reservedHeaders are set by Cerberus; courier.smtp.headers cannot
// replace them.
var reservedHeaders = map[string]bool{"from": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
	"message-id": true, "mime-version": true, "content-type": true, "content-transfer-encoding": true, "sender": true}

// NewSMTP builds a sender from courier.smtp. The connection URI decides
// the transport:
//
//	smtp://user:pass@host:587/   STARTTLS, required (?disable_starttls=true: plain text)
//	smtps://user:pass@host:465/  TLS from the first byte
//
// ?skip_ssl_verify=true accepts any server certificate.
func NewSMTP(c config.CourierSMTP, log *slog.Logger) (*SMTP, error) {
	u, err := url.Parse(c.ConnectionURI)
	if err != nil {
		return nil, fmt.Errorf("courier.smtp.connection_uri: %v", redactURL(err))
	}
	host := u.Hostname()
	if host == "" {
		return nil, errors.New("courier.smtp.connection_uri: no host")
	}
	q := u.Query()
	flag := func(name string) (bool, error) {
		v := q.Get(name)
		q.Del(name)
		if v == "" {
			return false, nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("courier.smtp.connection_uri: %s must be true or false, not %q", name, v)
		}
		return b, nil
	}
	skipVerify, err := flag("skip_ssl_verify")
	if err != nil {
		return nil, err
	}
	noStartTLS, err := flag("disable_starttls")
	if err != nil {
		return nil, err
	}
	for k := range q {
		return nil, fmt.Errorf("courier.smtp.connection_uri: unknown parameter %q (known: skip_ssl_verify, disable_starttls)", k)
	}
	tlsConf := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: skipVerify} //nolint:gosec // operator's explicit choice
	if c.ClientCertPath != "" || c.ClientKeyPath != "" {
		cert, err := tls.LoadX509KeyPair(c.ClientCertPath, c.ClientKeyPath)
		if err != nil {
			return nil, fmt.Errorf("courier.smtp.client_cert_path/client_key_path: %w", err)
		}
		tlsConf.Certificates = []tls.Certificate{cert}
	}
	// One connection per message, so no RSET after it: a connection lost
	// right after the server accepted the message would turn a delivered
	// message into a failed one, and a retry into a duplicate.
	opts := []gomail.Option{gomail.WithTLSConfig(tlsConf), gomail.WithoutRset()}
	encrypted := true
	var port int
	switch u.Scheme {
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	case "smtp":
		port = 587
		if noStartTLS {
			encrypted = false
			opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		} else {
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		}
	default:
		return nil, fmt.Errorf("courier.smtp.connection_uri: scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("courier.smtp.connection_uri: bad port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithUsername(user), gomail.WithPassword(pass))
		if encrypted {
			// The strongest mechanism the server offers.
			opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
		} else {
			// TLS was turned off on purpose (a local catcher such as
			// MailSlurper): PLAIN over the open connection, as Kratos does.
			log.Warn("courier: SMTP credentials will be sent without encryption (disable_starttls=true)", "host", host)
			opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlainNoEnc))
		}
	}
	if c.LocalName != "" {
		opts = append(opts, gomail.WithHELO(c.LocalName))
	}
	from := c.FromAddress
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("courier.smtp.from_address: %v", err)
	}
	for k := range c.Headers {
		if reservedHeaders[strings.ToLower(k)] {
			return nil, fmt.Errorf("courier.smtp.headers.%s: this header is set by Cerberus and cannot be configured", k)
		}
	}
	domain := from[strings.LastIndexByte(from, '@')+1:]
	return &SMTP{opts: opts, host: host, from: from, name: c.FromName, domain: domain, headers: c.Headers}, nil
}

// redactURL keeps the password of a connection URI out of error messages.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return errors.New("not a valid URL")
	}
	return err
}

// Send delivers m. The context bounds the whole exchange.
func (s *SMTP) Send(ctx context.Context, m *Outgoing) error {
	msg := gomail.NewMsg()
	if s.name != "" {
		if err := msg.FromFormat(s.name, s.from); err != nil {
			return &PermanentError{fmt.Errorf("from address: %w", err)}
		}
	} else if err := msg.From(s.from); err != nil {
		return &PermanentError{fmt.Errorf("from address: %w", err)}
	}
	if err := msg.To(m.To); err != nil {
		return &PermanentError{fmt.Errorf("recipient: %w", err)}
	}
	msg.Subject(m.Content.Subject)
	msg.SetMessageIDWithValue(m.ID + "@" + s.domain)
	msg.SetDate()
	for k, v := range s.headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Content.Text)
	if m.Content.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.Content.HTML)
	}
	opts := append([]gomail.Option{}, s.opts...)
	if dl, ok := ctx.Deadline(); ok {
		opts = append(opts, gomail.WithTimeout(max(time.Until(dl), time.Second)))
	}
	client, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", s.host, err)
	}
	err = client.SendWithSMTPClient(sc, msg)
	// Once the server has accepted the message it is sent: a failing QUIT
	// must not turn it into a retry (and a duplicate).
	_ = client.CloseWithSMTPClient(sc)
	if err == nil {
		return nil
	}
	var se *gomail.SendError
	if errors.As(err, &se) && se.Reason == gomail.ErrSMTPReset {
		return nil // accepted before the reset failed
	}
	if errors.As(err, &se) && se.Reason == gomail.ErrSMTPRcptTo && !se.IsTemp() {
		return &PermanentError{err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("smtp %s: timed out: %w", s.host, err)
	}
	return err
}

// Interface guards
var _ Sender = (*SMTP)(nil)

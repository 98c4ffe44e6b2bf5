package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Security is how clients reach the server.
type Security int

// Transport security modes.
const (
	// Plain offers no TLS (connect with ?disable_starttls=true).
	Plain Security = iota
	// StartTLS offers STARTTLS on a plain connection (smtp://).
	StartTLS
	// Implicit speaks TLS from the first byte (smtps://).
	Implicit
)

// Options configure a Server.
type Options struct {
	Security Security
	// User and Password, when set, are required (AUTH PLAIN).
	User, Password string
}

// Server is a running test SMTP server.
type Server struct {
	t    testing.TB
	o    Options
	addr string
	tls  *tls.Config

	mu       sync.Mutex
	srv      *smtp.Server
	mails    []*Mail
	rejected map[string]int
	changed  chan struct{}
	auths    int
	// hold, when set, blocks every MAIL command until it is closed.
	hold chan struct{}
	// held counts MAIL commands that reached the hold.
	held int
}

// New starts a server on a free loopback port; it stops when the test ends.
func New(t testing.TB, o Options) *Server {
	t.Helper()
	s := &Server{t: t, o: o, rejected: map[string]int{}, changed: make(chan struct{})}
	if o.Security != Plain {
		s.tls = selfSigned(t)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	s.serve(l)
	t.Cleanup(s.Stop)
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return s.addr }

// URI is the courier.smtp.connection_uri that reaches this server.
func (s *Server) URI() string {
	u := url.URL{Host: s.addr, Path: "/"}
	if s.o.User != "" {
		u.User = url.UserPassword(s.o.User, s.o.Password)
	}
	q := url.Values{}
	switch s.o.Security {
	case Plain:
		u.Scheme = "smtp"
		q.Set("disable_starttls", "true")
	case StartTLS:
		u.Scheme = "smtp"
		q.Set("skip_ssl_verify", "true")
	case Implicit:
		u.Scheme = "smtps"
		q.Set("skip_ssl_verify", "true")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (s *Server) serve(l net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "mailtest.local"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 1 << 20
	srv.AllowInsecureAuth = s.o.Security == Plain
	if s.o.Security == StartTLS {
		srv.TLSConfig = s.tls
	}
	if s.o.Security == Implicit {
		l = tls.NewListener(l, s.tls)
	}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
}

// Stop closes the listener and every connection: clients see connection
// refused until Start.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Start listens again on the same port.
func (s *Server) Start() {
	s.t.Helper()
	var l net.Listener
	var err error
	// The port was ours a moment ago; give the kernel a moment if needed.
	for i := 0; i < 50; i++ {
		if l, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.serve(l)
}

// Reject makes RCPT TO addr fail with code (550: permanent, 450:
// temporary).
func (s *Server) Reject(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[strings.ToLower(addr)] = code
}

// Auths counts successful AUTH exchanges.
func (s *Server) Auths() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// Mails returns a copy of what was received so far.
func (s *Server) Mails() []*Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Mail(nil), s.mails...)
}

// WaitFor waits until pred holds for the received mails, or fails the test
// after timeout.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, what string, pred func([]*Mail) bool) []*Mail {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		mails := append([]*Mail(nil), s.mails...)
		ch := s.changed
		s.mu.Unlock()
		if pred(mails) {
			return mails
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("mailtest: timed out after %s waiting for %s; got %d mails", timeout, what, len(mails))
		}
	}
}

// WaitTo waits for the n-th mail (1-based) to addr and returns it.
func (s *Server) WaitTo(t testing.TB, addr string, n int) *Mail {
	t.Helper()
	var got *Mail
	s.WaitFor(t, 30*time.Second, fmt.Sprintf("mail #%d to %s", n, addr), func(ms []*Mail) bool {
		k := 0
		for _, m := range ms {
			if m.SentTo(addr) {
				if k++; k == n {
					got = m
					return true
				}
			}
		}
		return false
	})
	return got
}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string {
	if x.s.o.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != x.s.o.User || pass != x.s.o.Password {
			return errors.New("invalid credentials")
		}
		x.authed = true
		x.s.mu.Lock()
		x.s.auths++
		x.s.mu.Unlock()
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.s.mu.Lock()
	hold := x.s.hold
	if hold != nil {
		x.s.held++
		x.s.signal()
	}
	x.s.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if x.s.o.User != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	code := x.s.rejected[strings.ToLower(to)]
	x.s.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "recipient refused by the test"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return err
	}
	m.From, m.To = x.from, append([]string(nil), x.to...)
	x.s.mu.Lock()
	x.s.mails = append(x.s.mails, m)
	x.s.signal()
	x.s.mu.Unlock()
	return nil
}

// signal wakes WaitFor and WaitHeld; s.mu is held.
func (s *Server) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Hold makes every MAIL command wait, as a server that stopped answering
// mid-transaction would, until the returned release is called. A message
// whose client went away meanwhile is never received.
func (s *Server) Hold() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.hold = ch
	return func() {
		s.mu.Lock()
		if s.hold == ch {
			s.hold = nil
		}
		s.mu.Unlock()
		close(ch)
	}
}

// WaitHeld waits until n MAIL commands are being held.
func (s *Server) WaitHeld(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		held, ch := s.held, s.changed
		s.mu.Unlock()
		if held >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("mailtest: %d MAIL commands held, waited for %d", held, n)
		}
	}
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func selfSigned(t testing.TB) *tls.Config {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

package courier

import (
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/config"
)

func TestSMTPConfigErrors(t *testing.T) {
	for uri, want := range map[string]string{
		"smtp://mail:25/?skip_ssl_verify=yes": "skip_ssl_verify must be true or false",
		"smtp://mail:25/?ssl=true":            `unknown parameter "ssl"`,
		"smtp://:25/":                         "no host",
		"imap://mail/":                        "scheme must be smtp or smtps",
		"smtp://mail:99999/":                  "bad port",
		"smtp://user:p%zzass@mail/":           "not a valid URL",
	} {
		_, err := NewSMTP(config.CourierSMTP{ConnectionURI: uri, FromAddress: "a@b.c"}, quietLog())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", uri, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "p%zzass") {
			t.Errorf("%s: the password leaked into the error", uri)
		}
	}
	if _, err := NewSMTP(config.CourierSMTP{ConnectionURI: "smtp://m/", FromAddress: "a@b.c",
		Headers: map[string]string{"Bcc": "x@y.z"}}, quietLog()); err == nil || !strings.Contains(err.Error(), "cannot be configured") {
		t.Errorf("a Bcc header was accepted: %v", err)
	}
	if _, err := NewSMTP(config.CourierSMTP{ConnectionURI: "smtp://m/", FromAddress: "not an address"}, quietLog()); err == nil {
		t.Error("a bad from_address was accepted")
	}
}

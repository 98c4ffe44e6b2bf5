package session

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/cerberus-iam/cerberus/identity"
)

// appendSession writes the Kratos session JSON. It is hand-written because
// it runs on every whoami: the stored JSON of the methods, devices and
// identity is copied in as is, never decoded and re-encoded.
func (m *Manager) appendSession(b []byte, s *Session, methods, devices []byte, withIdentity, withDevices bool) []byte {
	now := m.now()
	b = append(b, `{"id":"`...)
	b = append(b, s.ID.String()...)
	b = append(b, `","active":`...)
	b = strconv.AppendBool(b, s.IsActive(now))
	b = appendTime(b, `,"expires_at":`, s.ExpiresAt)
	b = appendTime(b, `,"authenticated_at":`, s.AuthenticatedAt)
	b = append(b, `,"authenticator_assurance_level":"`...)
	b = append(b, s.AAL...)
	b = append(b, `","authentication_methods":`...)
	b = append(b, methods...)
	b = appendTime(b, `,"issued_at":`, s.IssuedAt)
	if withIdentity && len(s.identityDoc) > 1 {
		// The stored document lacks schema_url (it depends on config):
		// open the object, add it, and continue with the stored fields.
		b = append(b, `,"identity":{"schema_url":`...)
		b = strconv.AppendQuote(b, identity.SchemaURL(m.baseURL, s.schemaID))
		b = append(b, ',')
		b = append(b, s.identityDoc[1:]...)
	}
	if withDevices {
		b = append(b, `,"devices":`...)
		b = append(b, devices...)
	}
	return append(b, '}')
}

func appendTime(b []byte, key string, t time.Time) []byte {
	b = append(b, key...)
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// JSON renders a session loaded by any Manager method. withIdentity needs
// a session loaded with its identity (ByToken, Get, List with identities).
func (m *Manager) JSON(s *Session, withIdentity, withDevices bool) []byte {
	methods, devices := mustJSON(s.Methods), mustJSON(s.Devices)
	return m.appendSession(make([]byte, 0, 512+len(s.identityDoc)), s, methods, devices, withIdentity, withDevices)
}

// MarshalList renders sessions as a JSON array.
func (m *Manager) MarshalList(list []*Session, withIdentity, withDevices bool) json.RawMessage {
	b := []byte{'['}
	for k, s := range list {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, m.JSON(s, withIdentity, withDevices)...)
	}
	return append(b, ']')
}

func decodeLists(s *Session, methods, devices []byte) error {
	if err := json.Unmarshal(methods, &s.Methods); err != nil {
		return err
	}
	return json.Unmarshal(devices, &s.Devices)
}

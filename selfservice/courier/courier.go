package courier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"time"

	"github.com/google/uuid"
)

// Courier queues e-mails. Templates are rendered here, when the message is
// queued, not when it is sent: a template error fails the request that
// caused it (where someone sees it) instead of a message nobody watches;
// the row then holds exactly what goes out, which the admin API shows; the
// worker needs neither identities nor templates; and every instance sends
// the same bytes even while a rolling deploy runs two template versions.
type Courier struct {
	store     *Store
	templates *Templates
	now       func() time.Time
	rand      io.Reader
	// notify wakes the local worker, if any.
	notify func()
}

// New returns a courier. notify (may be nil) is called after a message is
// queued, so this instance's worker sends it without waiting.
func New(store *Store, t *Templates, now func() time.Time, rnd io.Reader, notify func()) *Courier {
	if now == nil {
		now = time.Now
	}
	return &Courier{store: store, templates: t, now: now, rand: rnd, notify: notify}
}

// Mail bombing guard: at most recipientLimit messages to one address per
// recipientWindow. Self-service lets anyone ask for a mail to any
// address; without a cap, a script could flood a stranger's inbox.
const (
	recipientLimit  = 10
	recipientWindow = 15 * time.Minute
)

// ErrRecipientLimit: the address got recipientLimit messages within
// recipientWindow; this one was not queued.
var ErrRecipientLimit = errors.New("courier: too many messages to this address recently")

// Send renders template tt for to and queues it. It returns the message
// id, or ErrRecipientLimit when the address has had its share.
func (c *Courier) Send(ctx context.Context, to string, tt TemplateType, data *TemplateData) (uuid.UUID, error) {
	addr, err := mail.ParseAddress(to)
	if err != nil || addr.Name != "" {
		return uuid.Nil, fmt.Errorf("courier: %q is not an e-mail address", to)
	}
	if data == nil {
		data = &TemplateData{}
	}
	data.To = addr.Address
	content, err := c.templates.Render(tt, data)
	if err != nil {
		return uuid.Nil, err
	}
	now := c.now().UTC().Truncate(time.Microsecond)
	if n, err := c.store.CountSince(ctx, addr.Address, now.Add(-recipientWindow)); err != nil {
		return uuid.Nil, err
	} else if n >= recipientLimit {
		return uuid.Nil, ErrRecipientLimit
	}
	m := &Message{ID: newID(c.rand), Status: StatusQueued, Recipient: addr.Address, TemplateType: tt, Content: content,
		NextAttemptAt: now, CreatedAt: now, UpdatedAt: now}
	if err := c.store.Insert(ctx, m); err != nil {
		return uuid.Nil, err
	}
	if c.notify != nil {
		c.notify()
	}
	return m.ID, nil
}

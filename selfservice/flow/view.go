package flow

import "time"

// The types below are what a UI shows besides flows: the signed-in
// person's session overview. They live here, free of database code, so
// the built-in UI can render them without importing the identity store.

// Overview is what the welcome page shows a signed-in person.
type Overview struct {
	IdentityID string
	// Traits are the identity's traits, labelled with the schema titles,
	// in schema order.
	Traits  []Trait
	Current SessionView
	// Others are the person's other active sessions, newest first.
	Others []SessionView
	// LogoutURL ends the current session (it carries a logout token).
	LogoutURL string
	// SettingsURL starts a settings flow.
	SettingsURL string
}

// Trait is one labelled trait value.
type Trait struct {
	Name  string
	Label string
	Value string
}

// SessionView is one session as a person sees it.
type SessionView struct {
	ID              string
	AuthenticatedAt time.Time
	ExpiresAt       time.Time
	IssuedAt        time.Time
	Methods         []string
	IPAddress       string
	UserAgent       string
}

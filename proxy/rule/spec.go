package rule

import "encoding/json"

// Spec is one access rule as written in a rule file. Its JSON form is
// Oathkeeper's, and is what GET /rules returns.
type Spec struct {
	ID             string        `json:"id"`
	Version        string        `json:"version,omitempty"`
	Description    string        `json:"description,omitempty"`
	Match          MatchSpec     `json:"match"`
	Upstream       UpstreamSpec  `json:"upstream"`
	Authenticators []HandlerSpec `json:"authenticators"`
	Authorizer     HandlerSpec   `json:"authorizer"`
	Mutators       []HandlerSpec `json:"mutators"`
	Errors         []HandlerSpec `json:"errors"`
}

// MatchSpec says which requests a rule is for.
type MatchSpec struct {
	// URL is matched against scheme://host/path of the request (never the
	// query); <...> parts are regular expressions or globs.
	URL string `json:"url"`
	// Methods lists the HTTP methods; a rule with none matches nothing.
	Methods []string `json:"methods"`
}

// UpstreamSpec says where an allowed request is forwarded.
type UpstreamSpec struct {
	URL          string `json:"url,omitempty"`
	PreserveHost bool   `json:"preserve_host"`
	StripPath    string `json:"strip_path,omitempty"`
}

// HandlerSpec names a pipeline handler and its rule-level config.
type HandlerSpec struct {
	Handler string          `json:"handler"`
	Config  json.RawMessage `json:"config,omitempty"`
}

// specJSON is what a rule file may hold: Spec plus the fields other tools
// write that carry no meaning here.
type specJSON struct {
	ID             string        `json:"id"`
	Version        string        `json:"version"`
	Description    string        `json:"description"`
	Match          MatchSpec     `json:"match"`
	Upstream       upstreamJSON  `json:"upstream"`
	Authenticators []HandlerSpec `json:"authenticators"`
	Authorizer     HandlerSpec   `json:"authorizer"`
	Mutators       []HandlerSpec `json:"mutators"`
	Errors         []HandlerSpec `json:"errors"`
	// ConfigMapName is written by oathkeeper-maester.
	ConfigMapName string `json:"configMapName"`
}

// upstreamJSON accepts null for the optional fields, as
// oathkeeper-maester writes them.
type upstreamJSON struct {
	URL          string  `json:"url"`
	PreserveHost *bool   `json:"preserve_host"`
	StripPath    *string `json:"strip_path"`
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// hydraAdmin are the flags of commands that talk to a running Cerberus's
// admin API, named as hydra's are.
type hydraAdmin struct {
	endpoint string
	format   string
}

func (f *hydraAdmin) register(cmd *cobra.Command) {
	def := os.Getenv("CERBERUS_ADMIN_URL")
	if def == "" {
		def = "http://127.0.0.1:4434"
	}
	cmd.PersistentFlags().StringVarP(&f.endpoint, "endpoint", "e", def, "admin API URL (also CERBERUS_ADMIN_URL)")
	cmd.PersistentFlags().StringVar(&f.format, "format", "default", "output format: default, json or json-pretty")
}

// hydraAPIError is the admin API's error body (Hydra's RFC 6749 error object).
type hydraAPIError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Hint        string `json:"error_hint"`
}

// call sends a JSON request to the admin API and decodes the response into
// out (when non-nil). It returns the response headers.
func (f *hydraAdmin) call(ctx context.Context, method, path string, in, out any) (http.Header, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(f.endpoint, "/")+path, body)
	if err != nil {
		return nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the admin API at %s: %w", f.endpoint, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		var e hydraAPIError
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			msg := e.Description
			if e.Hint != "" {
				msg += " " + e.Hint
			}
			return nil, fmt.Errorf("%s (%d %s): %s", method+" "+path, resp.StatusCode, e.Error, msg)
		}
		return nil, fmt.Errorf("%s: %s", method+" "+path, resp.Status)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return nil, fmt.Errorf("decoding the admin API's answer: %w", err)
		}
	}
	return resp.Header, nil
}

// printJSON writes v as JSON, indented for json-pretty.
func (f *hydraAdmin) printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	if f.format == "json-pretty" {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

func (f *hydraAdmin) checkFormat() error {
	switch f.format {
	case "default", "json", "json-pretty":
		return nil
	}
	return fmt.Errorf("--format must be default, json or json-pretty, not %q", f.format)
}

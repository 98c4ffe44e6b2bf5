package password

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// RangeAPI asks a Have I Been Pwned compatible range API whether a
// password has been breached. Only the first five hex digits of the
// password's SHA-1 leave the process; the API answers every suffix it
// knows for that prefix and the match is made here.
type RangeAPI struct {
	// BaseURL is https://api.pwnedpasswords.com (or a mirror).
	BaseURL string
	// MaxBreaches: a count above this is refused.
	MaxBreaches int
	// IgnoreNetworkErrors accepts the password when the API fails.
	IgnoreNetworkErrors bool
	Client              *http.Client
}

// Breached reports whether the password was seen in more than MaxBreaches
// breaches.
func (a *RangeAPI) Breached(ctx context.Context, password string) (bool, error) {
	sum := sha1.Sum([]byte(password))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	prefix, suffix := h[:5], h[5:]
	bad, err := a.lookup(ctx, prefix, suffix)
	if err != nil && a.IgnoreNetworkErrors {
		return false, nil
	}
	return bad, err
}

func (a *RangeAPI) lookup(ctx context.Context, prefix, suffix string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(a.BaseURL, "/")+"/range/"+prefix, nil)
	if err != nil {
		return false, err
	}
	// Padding makes every answer the same size, so the response length
	// does not hint at the prefix either.
	req.Header.Set("Add-Padding", "true")
	req.Header.Set("User-Agent", "cerberus-password-policy")
	resp, err := a.Client.Do(req)
	if err != nil {
		return false, fmt.Errorf("password range API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("password range API answered %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		suf, count, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(suf, suffix) {
			continue
		}
		n, _ := strconv.Atoi(count)
		return n > a.MaxBreaches, nil
	}
	if err := sc.Err(); err != nil {
		return false, fmt.Errorf("password range API: %w", err)
	}
	return false, nil
}

package httpx

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the client address resolved by ClientIPResolver.
func ClientIP(ctx context.Context) string {
	if m := metaOf(ctx); m != nil {
		return m.clientIP
	}
	return ""
}

// ClientIPResolver decides which address is the client's.
type ClientIPResolver struct {
	trusted  []netip.Prefix
	trustAll bool
}

// NewClientIPResolver builds a resolver. With trusted CIDRs, X-Forwarded-For
// is read right to left and the first address outside them is the client
// (a client can prepend anything, but cannot forge what our own proxies
// append). With trustAll and no CIDRs, the leftmost entry is taken, as
// Oathkeeper's trust_forwarded_headers does. Otherwise the peer address is
// the client and forwarding headers are ignored.
func NewClientIPResolver(trustForwarded bool, cidrs []string) (*ClientIPResolver, error) {
	r := &ClientIPResolver{trustAll: trustForwarded && len(cidrs) == 0}
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return nil, fmt.Errorf("trusted proxy %q is not a CIDR or address", c)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		r.trusted = append(r.trusted, p.Masked())
	}
	return r, nil
}

// TrustsForwarded reports whether forwarding headers from this peer count.
func (cr *ClientIPResolver) TrustsForwarded(r *http.Request) bool {
	if cr.trustAll {
		return true
	}
	peer, ok := addr(r.RemoteAddr)
	return ok && cr.isTrusted(peer)
}

func (cr *ClientIPResolver) isTrusted(a netip.Addr) bool {
	for _, p := range cr.trusted {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// Resolve returns the client address for r.
func (cr *ClientIPResolver) Resolve(r *http.Request) string {
	peer, ok := addr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	xff := r.Header.Values("X-Forwarded-For")
	if len(xff) == 0 {
		return peer.String()
	}
	var hops []string
	for _, v := range xff {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				hops = append(hops, h)
			}
		}
	}
	if len(hops) == 0 {
		return peer.String()
	}
	if cr.trustAll {
		if a, err := netip.ParseAddr(hops[0]); err == nil {
			return a.Unmap().String()
		}
		return peer.String()
	}
	if !cr.isTrusted(peer) {
		return peer.String()
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			break
		}
		if !cr.isTrusted(a) {
			return a.Unmap().String()
		}
	}
	return peer.String()
}

// Middleware stores the resolved client address in the request context:
// beside the request id when WithRequestID ran first (as on every
// listener), in a context value of its own otherwise.
func (cr *ClientIPResolver) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := metaOf(r.Context()); m != nil {
			m.clientIP = cr.Resolve(r)
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), requestMetaKey{}, &requestMeta{clientIP: cr.Resolve(r)})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func addr(hostport string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// Package origins parses and matches web origins (scheme://host[:port]) for
// the allow-list: exact scheme, exact host or a "*." subdomain wildcard,
// exact port or "*" for any port.
package origins

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Pattern is one allow-list entry.
type Pattern struct {
	Scheme string // "http" or "https"
	Host   string // lower-case; "*.example.com" matches subdomains only
	Port   string // "" = the scheme's default port, "*" = any port
	raw    string
}

func (p Pattern) String() string { return p.raw }

// Parse checks and parses a pattern such as "https://wms.example.com",
// "http://localhost:*" or "https://*.example.com:8443".
func Parse(s string) (Pattern, error) {
	raw := strings.TrimSpace(s)
	scheme, rest, ok := strings.Cut(strings.ToLower(raw), "://")
	if !ok {
		return Pattern{}, fmt.Errorf("origin %q: needs a scheme, e.g. https://%s", s, raw)
	}
	if scheme != "http" && scheme != "https" {
		return Pattern{}, fmt.Errorf("origin %q: scheme must be http or https", s)
	}
	if rest == "" || strings.ContainsAny(rest, "/?#@ ") {
		return Pattern{}, fmt.Errorf("origin %q: must be scheme://host[:port] with no path", s)
	}
	host, port := rest, ""
	if i := strings.LastIndex(rest, ":"); i >= 0 && !strings.HasSuffix(rest, "]") {
		host, port = rest[:i], rest[i+1:]
		if port == "" {
			return Pattern{}, fmt.Errorf("origin %q: empty port", s)
		}
		if port != "*" {
			for _, c := range port {
				if c < '0' || c > '9' {
					return Pattern{}, fmt.Errorf("origin %q: port must be a number or *", s)
				}
			}
		}
	}
	if host == "" || host == "*" || strings.Contains(strings.TrimPrefix(host, "*."), "*") {
		return Pattern{}, fmt.Errorf("origin %q: host must be a name, an address or *.domain", s)
	}
	if port == defaultPort(scheme) {
		port = ""
	}
	return Pattern{Scheme: scheme, Host: host, Port: port, raw: raw}, nil
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// Origin is a parsed Origin header value.
type Origin struct {
	Scheme, Host, Port string
}

// ParseOrigin parses an Origin header ("null" and anything malformed fail).
func ParseOrigin(s string) (Origin, error) {
	if s == "" || s == "null" {
		return Origin{}, fmt.Errorf("origin %q is opaque", s)
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil {
		return Origin{}, fmt.Errorf("malformed origin %q", s)
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	port := u.Port()
	if port == defaultPort(scheme) {
		port = ""
	}
	return Origin{Scheme: scheme, Host: host, Port: port}, nil
}

// String is the canonical scheme://host[:port] form.
func (o Origin) String() string {
	if o.Port == "" {
		return o.Scheme + "://" + o.Host
	}
	return o.Scheme + "://" + net.JoinHostPort(strings.Trim(o.Host, "[]"), o.Port)
}

// Match reports whether o is allowed by p.
func (p Pattern) Match(o Origin) bool {
	if p.Scheme != o.Scheme {
		return false
	}
	if p.Port != "*" && p.Port != o.Port {
		return false
	}
	if suffix, ok := strings.CutPrefix(p.Host, "*."); ok {
		return strings.HasSuffix(o.Host, "."+suffix)
	}
	return p.Host == o.Host
}

// List is a set of patterns.
type List []Pattern

// ParseList parses every pattern, naming the first bad one.
func ParseList(ss []string) (List, error) {
	out := make(List, 0, len(ss))
	for _, s := range ss {
		p, err := Parse(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Match reports whether any pattern allows o.
func (l List) Match(o Origin) bool {
	for _, p := range l {
		if p.Match(o) {
			return true
		}
	}
	return false
}

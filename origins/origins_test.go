package origins

import "testing"

func TestMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, origin string
		want            bool
	}{
		{"https://wms.example.com", "https://wms.example.com", true},
		{"https://wms.example.com", "https://WMS.example.com", true},
		{"https://wms.example.com", "https://wms.example.com:443", true},
		{"https://wms.example.com", "http://wms.example.com", false},
		{"https://wms.example.com", "https://wms.example.com:8443", false},
		{"https://wms.example.com", "https://evil.wms.example.com", false},
		{"https://wms.example.com", "https://wms.example.com.evil.io", false},
		{"https://*.example.com", "https://a.example.com", true},
		{"https://*.example.com", "https://a.b.example.com", true},
		{"https://*.example.com", "https://example.com", false},
		{"https://*.example.com", "https://badexample.com", false},
		{"http://localhost:*", "http://localhost:3000", true},
		{"http://localhost:*", "http://localhost", true},
		{"http://localhost:*", "https://localhost:3000", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081", false},
		{"http://[::1]:*", "http://[::1]:5173", true},
	}
	for _, c := range cases {
		p, err := Parse(c.pattern)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.pattern, err)
		}
		o, err := ParseOrigin(c.origin)
		if err != nil {
			t.Fatalf("ParseOrigin(%q): %v", c.origin, err)
		}
		if got := p.Match(o); got != c.want {
			t.Errorf("%s matches %s = %v, want %v", c.pattern, c.origin, got, c.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"wms.example.com", "ftp://x", "https://", "https://x/path", "https://x:", "https://x:abc", "https://*", "https://a*.b", "https://u@x"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted a bad pattern", s)
		}
	}
	for _, s := range []string{"", "null", "https://x/path", "not a url", "https://u:p@x"} {
		if _, err := ParseOrigin(s); err == nil {
			t.Errorf("ParseOrigin(%q) accepted a bad origin", s)
		}
	}
}

func TestCanonicalString(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"HTTPS://WMS.Example.com:443": "https://wms.example.com",
		"http://localhost:3000":       "http://localhost:3000",
		"http://[::1]:80":             "http://[::1]",
		"http://[::1]:5173":           "http://[::1]:5173",
	} {
		o, err := ParseOrigin(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.String(); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
}

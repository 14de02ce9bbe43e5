package trust

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/tlsca"
)

// needCertutil skips without NSS's certutil, or fails under CI=true (the
// tests' Debian packages list it: scripts/deps/test-core.txt).
func needCertutil(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("certutil"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("certutil (libnss3-tools) is missing")
		}
		t.Skip("certutil (libnss3-tools) is missing")
	}
}

// home makes a HOME with Chromium's NSS database and one Firefox profile,
// each made by certutil and holding one unrelated CA.
func home(t *testing.T) (string, []string) {
	t.Helper()
	needCertutil(t)
	h := t.TempDir()
	t.Setenv("HOME", h)
	other, _, err := tlsca.Open(t.TempDir(), tlsca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dbs := []string{filepath.Join(h, ".pki", "nssdb"), filepath.Join(h, ".mozilla", "firefox", "abcd.default-release")}
	for _, d := range dbs {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		run(t, "certutil", "-N", "-d", "sql:"+d, "--empty-password")
		run(t, "certutil", "-A", "-d", "sql:"+d, "-n", "someone else's CA", "-t", "C,,", "-i", other.CAFile())
	}
	return h, dbs
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// listing is what the database holds, with trust flags.
func listing(t *testing.T, dbs []string) string {
	var b strings.Builder
	for _, d := range dbs {
		b.WriteString(d + "\n" + run(t, "certutil", "-L", "-d", "sql:"+d))
	}
	return b.String()
}

func TestInstallUninstallRoundTrip(t *testing.T) {
	_, dbs := home(t)
	before := listing(t, dbs)
	dir := t.TempDir()
	a, _, err := tlsca.Open(dir, tlsca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := New(dir, Options{})
	if st := m.Status(a.CA()); st.Trusted || len(st.Stores) != 2 || st.Error != "" {
		t.Fatalf("before install: %+v", st)
	}
	if !strings.Contains(Explain(m.Status(a.CA())), "labelbridge trust install") {
		t.Error("the explanation does not say what to run")
	}
	st, err := m.Install(a.CA(), a.CAFile())
	if err != nil || !st.Trusted {
		t.Fatalf("install: %v, %+v", err, st)
	}
	after := listing(t, dbs)
	if strings.Count(after, Nickname(a.CA())) != 2 || !strings.Contains(after, "C,,") {
		t.Fatalf("after install:\n%s", after)
	}
	// A second install changes nothing.
	if _, err := m.Install(a.CA(), a.CAFile()); err != nil || listing(t, dbs) != after {
		t.Fatalf("second install: %v\n%s", err, listing(t, dbs))
	}
	if recs, _ := m.Records(); len(recs) != 2 {
		t.Fatalf("records: %+v", recs)
	}
	if err := m.Uninstall(); err != nil {
		t.Fatal(err)
	}
	if got := listing(t, dbs); got != before {
		t.Fatalf("after uninstall the databases differ:\nbefore:\n%s\nafter:\n%s", before, got)
	}
	if recs, _ := m.Records(); len(recs) != 0 {
		t.Fatalf("records left: %+v", recs)
	}
}

// TestRenewalReplacesTheOldCA: installing a renewed CA adds it and removes
// the old one, everywhere.
func TestRenewalReplacesTheOldCA(t *testing.T) {
	_, dbs := home(t)
	dir := t.TempDir()
	m := New(dir, Options{})
	old, _, _ := tlsca.Open(t.TempDir(), tlsca.Options{})
	if _, err := m.Install(old.CA(), old.CAFile()); err != nil {
		t.Fatal(err)
	}
	cur, _, _ := tlsca.Open(dir, tlsca.Options{})
	if _, err := m.Install(cur.CA(), cur.CAFile()); err != nil {
		t.Fatal(err)
	}
	l := listing(t, dbs)
	if strings.Contains(l, Nickname(old.CA())) || strings.Count(l, Nickname(cur.CA())) != 2 {
		t.Fatalf("after renewal:\n%s", l)
	}
	recs, _ := m.Records()
	for _, r := range recs {
		if r.Fingerprint != tlsca.Fingerprint(cur.CA()) {
			t.Errorf("old record kept: %+v", r)
		}
	}
}

// TestUninstallLeavesOthers: a certificate that is not the recorded one,
// even under the recorded nickname, is never removed.
func TestUninstallLeavesOthers(t *testing.T) {
	_, dbs := home(t)
	dir := t.TempDir()
	a, _, _ := tlsca.Open(dir, tlsca.Options{})
	m := New(dir, Options{})
	if _, err := m.Install(a.CA(), a.CAFile()); err != nil {
		t.Fatal(err)
	}
	impostor, _, _ := tlsca.Open(t.TempDir(), tlsca.Options{})
	run(t, "certutil", "-D", "-d", "sql:"+dbs[1], "-n", Nickname(a.CA()))
	run(t, "certutil", "-A", "-d", "sql:"+dbs[1], "-n", Nickname(a.CA()), "-t", "C,,", "-i", impostor.CAFile())
	if err := m.Uninstall(); err != nil {
		t.Fatal(err)
	}
	if l := listing(t, dbs); strings.Count(l, Nickname(a.CA())) != 1 || !strings.Contains(run(t, "certutil", "-L", "-d", "sql:"+dbs[1]), Nickname(a.CA())) {
		t.Fatalf("the other certificate under the same name was removed, or ours was kept:\n%s", l)
	}
}

// TestChromiumDatabaseIsCreated: with no ~/.pki/nssdb yet, install makes
// it (Chromium reads it at its next start).
func TestChromiumDatabaseIsCreated(t *testing.T) {
	needCertutil(t)
	h := t.TempDir()
	t.Setenv("HOME", h)
	dir := t.TempDir()
	a, _, _ := tlsca.Open(dir, tlsca.Options{})
	st, err := New(dir, Options{}).Install(a.CA(), a.CAFile())
	if err != nil || !st.Trusted || len(st.Stores) != 1 {
		t.Fatalf("install: %v %+v", err, st)
	}
	if fi, err := os.Stat(filepath.Join(h, ".pki", "nssdb")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("nssdb: %v", err)
	}
}

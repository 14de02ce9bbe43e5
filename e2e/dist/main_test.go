package dist

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The tools the tests need (Debian packages in scripts/deps/test-dist.txt).
var tools = []string{"go", "node", "npm", "makensis", "wixl", "msiinfo", "msiextract", "7z", "dpkg", "dpkg-deb", "osslsigncode",
	"openssl", "wine", "wineserver", "desktop-file-validate", "apt-get", "gcc", "pkg-config"}

const testVersion = "v9.8.7-6-gabcdef0"

var (
	repoRoot string // the repository
	distDir  string // the artifacts
	certPEM  string // the throwaway signing certificate
	setupErr error  // why the artifacts are missing
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "labelbridge-dist-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	setupErr = buildAll(tmp)
	defer stopWine()
	return m.Run()
}

// buildAll runs scripts/dist.sh once for every test.
func buildAll(tmp string) error {
	var missing []string
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing tools %v: run scripts/deps.sh test (scripts/deps/test-dist.txt)", missing)
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	distDir = filepath.Join(tmp, "dist")
	pfx, err := makeCert(tmp)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(repoRoot, "scripts", "dist.sh"))
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "VERSION="+testVersion, "DIST_DIR="+distDir,
		"SIGN_PKCS12="+pfx, "SIGN_PASSWORD=e2e-secret")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("scripts/dist.sh: %w\n%s", err, out)
	}
	fmt.Fprintf(os.Stderr, "e2e/dist: scripts/dist.sh took %s\n", time.Since(start).Round(time.Second))
	return nil
}

// makeCert makes a self-signed code-signing certificate and its .pfx.
func makeCert(dir string) (string, error) {
	key, pfx := filepath.Join(dir, "sign.key"), filepath.Join(dir, "sign.pfx")
	certPEM = filepath.Join(dir, "sign.pem")
	steps := [][]string{
		{"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certPEM, "-days", "2",
			"-subj", "/CN=Labelbridge e2e test", "-addext", "extendedKeyUsage=codeSigning"},
		{"pkcs12", "-export", "-inkey", key, "-in", certPEM, "-out", pfx, "-passout", "pass:e2e-secret"},
	}
	for _, args := range steps {
		if out, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("openssl %s: %w\n%s", args[0], err, out)
		}
	}
	return pfx, nil
}

// needDist stops a test when the artifacts could not be built: a failure
// on CI, a skip elsewhere.
func needDist(t *testing.T) {
	t.Helper()
	if setupErr == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("artifacts not built: %v", setupErr)
	}
	t.Skipf("artifacts not built (set CI=true to fail): %v", setupErr)
}

// artifact returns the one dist file matching the glob.
func artifact(t *testing.T, glob string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(distDir, glob))
	if err != nil || len(m) != 1 {
		t.Fatalf("dist/%s: want one file, got %v (%v)", glob, m, err)
	}
	return m[0]
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := runErr(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func runErr(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// waitHealthz polls /healthz until it answers with the version or the
// deadline passes; alive reports whether the process is still there.
func waitHealthz(t *testing.T, port int, version string, timeout time.Duration, alive func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	url := fmt.Sprintf("http://127.0.0.1:%d/healthz", port)
	var last error
	for time.Now().Before(deadline) {
		if alive != nil {
			if err := alive(); err != nil {
				t.Fatalf("the agent exited before answering %s: %v", url, err)
			}
		}
		resp, err := (&http.Client{Timeout: time.Second}).Get(url)
		if err == nil {
			body := make([]byte, 512)
			n, _ := resp.Body.Read(body)
			resp.Body.Close()
			if resp.StatusCode == 200 && strings.Contains(string(body[:n]), `"version":"`+version+`"`) {
				return
			}
			last = fmt.Errorf("status %d: %s", resp.StatusCode, body[:n])
		} else {
			last = err
		}
		time.Sleep(100 * time.Millisecond) // polling interval, not synchronisation
	}
	t.Fatalf("%s did not answer with version %s within %s: %v", url, version, timeout, last)
}

// waitDown polls until nothing answers on the port.
func waitDown(t *testing.T, port int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("port %d still answers after %s", port, timeout)
}

// waitFile polls until the file exists.
func waitFile(t *testing.T, path string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not appear within %s", path, timeout)
}

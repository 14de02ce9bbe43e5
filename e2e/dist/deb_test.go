package dist

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/porttest"
)

func TestDebContents(t *testing.T) {
	needDist(t)
	deb := artifact(t, "labelbridge_*.deb")
	if got, want := filepath.Base(deb), "labelbridge_9.8.7+6.gabcdef0_amd64.deb"; got != want {
		t.Errorf("deb name %s, want %s", got, want)
	}
	list := run(t, "dpkg-deb", "-c", deb)
	for _, want := range []string{
		"-rwxr-xr-x root/root", "./usr/bin/labelbridge",
		"./usr/lib/udev/rules.d/70-labelbridge.rules",
		"./usr/share/applications/labelbridge.desktop",
		"./etc/xdg/autostart/labelbridge.desktop",
		"./usr/lib/systemd/user/labelbridge.service",
		"./usr/share/icons/hicolor/256x256/apps/labelbridge.png",
		"./usr/share/icons/hicolor/48x48/apps/labelbridge.png",
	} {
		if !strings.Contains(list, want) {
			t.Errorf("deb lacks %s:\n%s", want, list)
		}
	}
	fields := map[string]string{
		"Package":    "labelbridge",
		"Version":    "9.8.7+6.gabcdef0",
		"Depends":    "libusb-1.0-0, fonts-nanum | fonts-noto-cjk",
		"Recommends": "gnome-shell-extension-appindicator, libnss3-tools", // certutil: trust the local CA in browsers
	}
	for f, want := range fields {
		if got := strings.TrimSpace(run(t, "dpkg-deb", "-f", deb, f)); got != want {
			t.Errorf("control %s = %q, want %q", f, got, want)
		}
	}
	ctl := t.TempDir()
	run(t, "dpkg-deb", "-e", deb, ctl)
	if conf, _ := os.ReadFile(filepath.Join(ctl, "conffiles")); !strings.Contains(string(conf), "/etc/xdg/autostart/labelbridge.desktop") {
		t.Errorf("the autostart entry is not a conffile: %q", conf)
	}
	// Dependencies resolve on this Debian (simulated, nothing installed).
	if out, err := runErr("apt-get", "install", "--simulate", "--no-install-recommends", deb); err != nil || !strings.Contains(out, "Inst labelbridge") {
		t.Errorf("apt-get --simulate install: %v\n%s", err, out)
	}
}

// dpkgRoot is an empty dpkg root for installing without touching the machine.
func dpkgRoot(t *testing.T) (root string, dpkg func(args ...string) string) {
	root = t.TempDir()
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"var/lib/dpkg/status", "var/lib/dpkg/available"} {
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The maintainer scripts run without chroot (DPKG_ROOT set, so they
	// leave udev alone); dependencies are checked by TestDebContents.
	base := []string{"--root=" + root, "--force-script-chrootless", "--force-depends", "--log=" + filepath.Join(root, "dpkg.log")}
	return root, func(args ...string) string { return run(t, "dpkg", append(base, args...)...) }
}

func TestDebInstallServeUninstall(t *testing.T) {
	needDist(t)
	deb := artifact(t, "labelbridge_*.deb")
	root, dpkg := dpkgRoot(t)
	dpkg("--install", deb)
	if out := dpkg("--status", "labelbridge"); !strings.Contains(out, "Status: install ok installed") {
		t.Fatalf("after install:\n%s", out)
	}
	bin := filepath.Join(root, "usr", "bin", "labelbridge")
	if got := strings.TrimSpace(run(t, bin, "version")); got != "labelbridge "+testVersion {
		t.Errorf("installed version prints %q", got)
	}
	// Built with cgo (dynamically linked), and with libusb once the app uses gousb.
	ldd := run(t, "ldd", bin)
	if !strings.Contains(ldd, "libc.so.6") {
		t.Errorf("the .deb binary is not a cgo build:\n%s", ldd)
	}
	if deps := run(t, "go", "list", "-C", repoRoot, "-deps", "./app"); strings.Contains(deps, "github.com/google/gousb") && !strings.Contains(ldd, "libusb-1.0.so.0") {
		t.Errorf("the app uses gousb but the binary does not link libusb:\n%s", ldd)
	}
	for _, f := range []string{"usr/share/applications/labelbridge.desktop", "etc/xdg/autostart/labelbridge.desktop"} {
		if out, err := runErr("desktop-file-validate", filepath.Join(root, f)); err != nil || strings.TrimSpace(out) != "" {
			t.Errorf("desktop-file-validate %s: %v\n%s", f, err, out)
		}
	}
	unit, err := os.ReadFile(filepath.Join(root, "usr/lib/systemd/user/labelbridge.service"))
	if err != nil || !strings.Contains(string(unit), "ExecStart=/usr/bin/labelbridge serve\n") || !strings.Contains(string(unit), "WantedBy=default.target") {
		t.Errorf("systemd user unit: %v\n%s", err, unit)
	}

	// The installed agent serves and takes a WebSocket handshake with the token.
	home := t.TempDir()
	port := porttest.Free(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--port", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), "LABELBRIDGE_HOME="+home, "LABELBRIDGE_POLICY="+filepath.Join(home, "no-policy.json"))
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	alive := func() error {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("%v\n%s", err, logs.String())
		default:
			return nil
		}
	}
	waitHealthz(t, port, testVersion, 30*time.Second, alive)
	handshake(t, port, filepath.Join(home, "config", "token"))
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("serve did not stop cleanly on SIGINT: %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("serve still running 20 s after SIGINT")
	}

	dpkg("--purge", "labelbridge")
	var left []string
	_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		rel, _ := filepath.Rel(root, p)
		if err == nil && !info.IsDir() && !strings.HasPrefix(rel, "var/lib/dpkg") && rel != "dpkg.log" {
			left = append(left, rel)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("files left after purge: %v", left)
	}
}

// handshake opens a WebSocket as a local program (token, no Origin) and says hello.
func handshake(t *testing.T, port int, tokenFile string) {
	t.Helper()
	tok, err := config.ReadToken(tokenFile)
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.URL(port), client.Options{Token: tok})
	if err != nil {
		t.Fatalf("WebSocket handshake: %v", err)
	}
	defer c.Close()
	h, err := c.Hello(ctx)
	if err != nil {
		t.Fatalf("hello: %v", err)
	}
	if h.Name != "labelbridge" || h.Version != testVersion || h.Protocol != 1 {
		t.Errorf("hello = %+v", h)
	}
}

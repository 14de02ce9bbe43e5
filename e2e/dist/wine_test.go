package dist

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/internal/porttest"
)

func TestWineExe(t *testing.T) {
	needWine(t)
	exe := filepath.Join(distDir, "windows-amd64", "labelbridge.exe")
	out, err := wine(t, nil, exe, "version")
	if err != nil || strings.TrimSpace(out) != "labelbridge "+testVersion {
		t.Fatalf("wine labelbridge.exe version: %v\n%q", err, out)
	}

	// serve under wine, handshake from Linux over loopback.
	home := t.TempDir()
	port := porttest.Free(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wine", exe, "serve", "--port", strconv.Itoa(port))
	cmd.Env = append(wineEnv(), "LABELBRIDGE_HOME=Z:"+strings.ReplaceAll(home, "/", `\`), `LABELBRIDGE_POLICY=Z:\nonexistent\policy.json`)
	logs, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	cmd.Stdout, cmd.Stderr = logs, logs // a file: wine's helpers would hold a pipe open
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
	}()
	alive := func() error {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("%v", err)
		default:
			return nil
		}
	}
	waitHealthz(t, port, testVersion, time.Minute, alive)
	handshake(t, port, filepath.Join(home, "config", "token"))
}

// The per-user NSIS installer: silent install starts the app, a second
// install stops it and upgrades in place, the uninstaller cleans up.
func TestWineNSIS(t *testing.T) {
	prefix := needWine(t)
	setup := artifact(t, "Labelbridge-"+testVersion+"-windows-amd64-installer.exe")
	user := userDir(t, prefix)
	instDir := filepath.Join(user, "AppData", "Local", "Programs", "Labelbridge")
	const runKey = `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`
	port := porttest.Free(t)
	// Inherited by the app the installer starts. Wine has no desktop here, and
	// under wine a tray whose message loop never gets a desktop was seen to
	// stall the agent's sockets now and then, so the app runs headless
	// (LABELBRIDGE_TRAY=off); the tray itself needs a real Windows desktop.
	env := []string{"LABELBRIDGE_PORT=" + strconv.Itoa(port), "LABELBRIDGE_TRAY=off"}

	if out, err := wine(t, env, setup, "/S"); err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	for _, f := range []string{"labelbridge.exe", "labelbridge.ico", "uninstall.exe"} {
		if _, err := os.Stat(filepath.Join(instDir, f)); err != nil {
			t.Errorf("installed %s: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(user, "AppData", "Roaming", "Microsoft", "Windows", "Start Menu", "Programs", "Labelbridge.lnk")); err != nil {
		t.Errorf("Start-menu entry: %v", err)
	}
	if out := regQuery(t, runKey); !strings.Contains(out, `Labelbridge    REG_SZ    "C:\users\`) || !strings.Contains(out, `\AppData\Local\Programs\Labelbridge\labelbridge.exe"`) {
		t.Errorf("HKCU Run value missing:\n%s", out)
	}
	uninst := regQuery(t, `HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Labelbridge`)
	for _, w := range []string{"DisplayName    REG_SZ    Labelbridge", "DisplayVersion    REG_SZ    " + testVersion, `uninstall.exe"`} {
		if !strings.Contains(uninst, w) {
			t.Errorf("Uninstall key lacks %q:\n%s", w, uninst)
		}
	}
	// The installer started the app.
	waitHealthz(t, port, testVersion, time.Minute, nil)
	first := winePIDs(`Programs\Labelbridge\labelbridge.exe`)
	if len(first) != 1 {
		t.Fatalf("want one running labelbridge.exe, got pids %v", first)
	}

	// Upgrade in place: the running copy is stopped, the new one started.
	if out, err := wine(t, env, setup, "/S"); err != nil {
		t.Fatalf("upgrade: %v\n%s", err, out)
	}
	waitNoPID(t, first[0], 30*time.Second)
	waitHealthz(t, port, testVersion, time.Minute, nil)
	second := winePIDs(`Programs\Labelbridge\labelbridge.exe`)
	if len(second) != 1 || second[0] == first[0] {
		t.Fatalf("after the upgrade want one new labelbridge.exe, got %v (before %v)", second, first)
	}
	dataDir := filepath.Join(user, "AppData", "Local", "Labelbridge")
	waitFile(t, filepath.Join(dataDir, "jobs.db"), 30*time.Second)

	// Silent uninstall keeps the job history; /PURGE removes it.
	if out, err := wine(t, nil, filepath.Join(instDir, "uninstall.exe"), "/S"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, out)
	}
	waitNoPID(t, second[0], 30*time.Second)
	waitDown(t, port, 30*time.Second)
	// NSIS runs the uninstaller from a temporary copy: poll for the end state.
	eventually(t, 30*time.Second, func() error {
		if _, err := os.Stat(instDir); !os.IsNotExist(err) {
			ents, _ := os.ReadDir(instDir)
			return fmt.Errorf("install folder left after uninstall: %v", ents)
		}
		if out := regQuery(t, runKey); strings.Contains(out, "Labelbridge") {
			return fmt.Errorf("HKCU Run value left after uninstall:\n%s", out)
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(dataDir, "jobs.db")); err != nil {
		t.Errorf("a silent uninstall must keep the job history: %v", err)
	}

	// Reinstall without starting, then uninstall with /PURGE.
	if out, err := wine(t, env, setup, "/S", "/NORUN"); err != nil {
		t.Fatalf("reinstall: %v\n%s", err, out)
	}
	if pids := winePIDs(`Programs\Labelbridge\labelbridge.exe`); len(pids) != 0 {
		t.Errorf("/NORUN started the app: %v", pids)
	}
	if out, err := wine(t, nil, filepath.Join(instDir, "uninstall.exe"), "/S", "/PURGE"); err != nil {
		t.Fatalf("uninstall /PURGE: %v\n%s", err, out)
	}
	// The uninstaller runs on from a temporary copy: poll until all is gone.
	gone := []string{dataDir, filepath.Join(user, "AppData", "Roaming", "Labelbridge"), instDir}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var left []string
		for _, d := range gone {
			if _, err := os.Stat(d); !os.IsNotExist(err) {
				left = append(left, d)
			}
		}
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left 30 s after uninstall /PURGE: %v", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The MSI: silent per-machine install with the admin and browser policies
// from public properties, then a clean uninstall.
func TestWineMSI(t *testing.T) {
	prefix := needWine(t)
	msi := artifact(t, "Labelbridge-"+testVersion+"-windows-x64.msi")
	drive := filepath.Join(prefix, "drive_c")
	exe := filepath.Join(drive, "Program Files", "Labelbridge", "labelbridge.exe")
	policy := filepath.Join(drive, "ProgramData", "Labelbridge", "policy.json")
	const chrome = `HKLM\SOFTWARE\Policies\Google\Chrome\LocalNetworkAccessAllowedForUrls`
	const edge = `HKLM\SOFTWARE\Policies\Microsoft\Edge\LocalNetworkAccessAllowedForUrls`
	const runKey = `HKLM\Software\Microsoft\Windows\CurrentVersion\Run`

	out, err := wine(t, nil, "msiexec", "/i", msi, "/qn",
		"ALLOWEDORIGINS=https://wms.example.com,https://*.example.com", "LOCKORIGINS=1", "BROWSERPOLICY=1")
	if err != nil {
		t.Fatalf("msiexec /i: %v\n%s", err, out)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("installed exe: %v", err)
	}
	data, err := os.ReadFile(policy)
	if err != nil {
		t.Fatalf("admin policy not written: %v", err)
	}
	for _, w := range []string{`"https://wms.example.com"`, `"https://*.example.com"`, `"lockAllowedOrigins": true`} {
		if !strings.Contains(string(data), w) {
			t.Errorf("policy.json lacks %s:\n%s", w, data)
		}
	}
	if out := regQuery(t, runKey); !strings.Contains(out, `Labelbridge    REG_SZ    "C:\Program Files\Labelbridge\labelbridge.exe"`) {
		t.Errorf("HKLM Run value missing:\n%s", out)
	}
	for _, key := range []string{chrome, edge} {
		out := regQuery(t, key)
		if !strings.Contains(out, "REG_SZ    https://wms.example.com") || !strings.Contains(out, "REG_SZ    https://[*.]example.com") {
			t.Errorf("%s:\n%s", key, out)
		}
	}
	// Windows puts a per-machine shortcut in the all-users Start menu; wine
	// 8.0's msiexec puts it in the user's.
	lnk, _ := filepath.Glob(filepath.Join(drive, "ProgramData", "Microsoft", "Windows", "Start Menu", "Programs", "Labelbridge.lnk"))
	lnk2, _ := filepath.Glob(filepath.Join(drive, "users", "*", "AppData", "Roaming", "Microsoft", "Windows", "Start Menu", "Programs", "Labelbridge.lnk"))
	if lnk = append(lnk, lnk2...); len(lnk) == 0 {
		t.Errorf("no Start-menu entry")
	}

	out, err = wine(t, nil, "msiexec", "/x", msi, "/qn")
	if err != nil {
		t.Fatalf("msiexec /x: %v\n%s", err, out)
	}
	for _, p := range append([]string{exe, policy}, lnk...) {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left after uninstall", p)
		}
	}
	if out := regQuery(t, runKey); strings.Contains(out, "Labelbridge") {
		t.Errorf("HKLM Run value left after uninstall:\n%s", out)
	}
	for _, key := range []string{chrome, edge} {
		if out := regQuery(t, key); strings.Contains(out, "example.com") {
			t.Errorf("browser policy left after uninstall:\n%s", out)
		}
	}
}

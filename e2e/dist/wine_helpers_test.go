package dist

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// One wine prefix for the whole run: creating one takes several seconds.
var (
	wineOnce   sync.Once
	winePrefix string
	wineErr    error
)

func wineEnv() []string {
	return append(os.Environ(), "WINEPREFIX="+winePrefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=", "DISPLAY=")
}

// needWine returns the shared prefix, creating it on first use.
func needWine(t *testing.T) string {
	t.Helper()
	needDist(t)
	wineOnce.Do(func() {
		winePrefix, wineErr = os.MkdirTemp("", "labelbridge-wine-")
		if wineErr != nil {
			return
		}
		if out, err := wineRun(nil, "wineboot", "--init"); err != nil {
			wineErr = fmt.Errorf("wineboot: %v\n%s", err, out)
			return
		}
		// Go (1.24+) needs bcryptprimitives.dll!ProcessPrng, which Debian 12's
		// wine 8.0 lacks: forward it to advapi32!SystemFunction036 (RtlGenRandom).
		dll := forwarderDLL("bcryptprimitives.dll", map[string]string{"ProcessPrng": "advapi32.SystemFunction036"})
		sys32 := filepath.Join(winePrefix, "drive_c", "windows", "system32")
		wineErr = os.WriteFile(filepath.Join(sys32, "bcryptprimitives.dll"), dll, 0o644)
	})
	if wineErr != nil {
		t.Fatalf("wine prefix: %v", wineErr)
	}
	return winePrefix
}

// stopWine ends every process of the prefix and removes it (from TestMain).
func stopWine() {
	if winePrefix == "" {
		return
	}
	cmd := exec.Command("wineserver", "-k")
	cmd.Env = wineEnv()
	_ = cmd.Run()
	wait := exec.Command("wineserver", "-w")
	wait.Env = wineEnv()
	_ = wait.Run()
	if os.Getenv("LABELBRIDGE_KEEP_WINE") != "" {
		fmt.Fprintln(os.Stderr, "e2e/dist: kept the wine prefix", winePrefix)
		return
	}
	_ = os.RemoveAll(winePrefix)
}

// wine runs a Windows program to completion.
func wine(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	return wineRun(env, args...)
}

// wineRun runs wine with its output in a file, not a pipe: wineserver and
// wine's services outlive the program and would hold a pipe open.
func wineRun(env []string, args ...string) (string, error) {
	f, err := os.CreateTemp("", "wine-out-")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wine", args...)
	cmd.Env = append(wineEnv(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	err = cmd.Run()
	out, _ := os.ReadFile(f.Name())
	return strings.ReplaceAll(string(out), "\r", ""), err
}

// regQuery reads a registry key of the prefix ("" when it is missing).
func regQuery(t *testing.T, key string) string {
	t.Helper()
	out, err := wine(t, nil, "reg", "query", key)
	if err != nil {
		return ""
	}
	return out
}

// winePIDs are the unix PIDs of this prefix's processes whose command
// line contains s.
func winePIDs(s string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(bytes.ToLower(cmdline), []byte(strings.ToLower(s))) {
			continue
		}
		environ, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(environ, []byte("WINEPREFIX="+winePrefix+"\x00")) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err == nil && bytes.Contains(stat, []byte(") Z ")) {
			continue // a zombie has exited
		}
		pids = append(pids, pid)
	}
	return pids
}

// eventually polls cond until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %v", timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func waitNoPID(t *testing.T, pid int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if !slices.Contains(winePIDs("labelbridge.exe"), pid) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("labelbridge.exe (pid %d) still running after %s", pid, timeout)
}

func userDir(t *testing.T, prefix string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(prefix, "drive_c", "users", "*", "AppData"))
	for _, d := range m {
		if !strings.Contains(d, "Public") {
			return filepath.Dir(d)
		}
	}
	t.Fatalf("no user folder in the wine prefix: %v", m)
	return ""
}

// forwarderDLL builds a minimal x64 PE DLL whose exports all forward to
// other DLLs ("advapi32.SystemFunction036"): no code, only an export table.
func forwarderDLL(name string, exports map[string]string) []byte {
	const secRVA, fileAlign, secAlign = 0x1000, 0x200, 0x1000
	names := make([]string, 0, len(exports))
	for n := range exports {
		names = append(names, n)
	}
	slices.Sort(names) // the name table must be sorted
	n := len(names)
	var strs bytes.Buffer
	strBase := 40 + 10*n // export directory, address, name and ordinal tables
	addStr := func(s string) uint32 {
		rva := uint32(secRVA + strBase + strs.Len())
		strs.WriteString(s)
		strs.WriteByte(0)
		return rva
	}
	dllName := addStr(name)
	fwd, nameRVA := make([]uint32, n), make([]uint32, n)
	for i, nm := range names {
		nameRVA[i] = addStr(nm)
		fwd[i] = addStr(exports[nm])
	}
	le := binary.LittleEndian
	var sec bytes.Buffer
	w := func(v ...any) {
		for _, x := range v {
			_ = binary.Write(&sec, le, x)
		}
	}
	w(uint32(0), uint32(0), uint16(0), uint16(0), dllName, uint32(1), uint32(n), uint32(n),
		uint32(secRVA+40), uint32(secRVA+40+4*n), uint32(secRVA+40+8*n))
	w(fwd, nameRVA)
	for i := range names {
		w(uint16(i))
	}
	sec.Write(strs.Bytes())
	expSize := sec.Len()
	raw := (expSize + fileAlign - 1) / fileAlign * fileAlign
	sec.Write(make([]byte, raw-expSize))

	var f bytes.Buffer
	wf := func(v ...any) {
		for _, x := range v {
			_ = binary.Write(&f, le, x)
		}
	}
	dos := make([]byte, 0x40)
	copy(dos, "MZ")
	le.PutUint32(dos[0x3c:], 0x40)
	f.Write(dos)
	f.WriteString("PE\x00\x00")
	// COFF: AMD64, one section, PE32+ optional header, executable DLL, large-address aware.
	wf(uint16(0x8664), uint16(1), uint32(0), uint32(0), uint32(0), uint16(240), uint16(0x2022))
	// PE32+ optional header.
	wf(uint16(0x20b), uint8(14), uint8(0), uint32(0), uint32(raw), uint32(0), uint32(0), uint32(secRVA))
	wf(uint64(0x180000000), uint32(secAlign), uint32(fileAlign))
	wf(uint16(6), uint16(0), uint16(0), uint16(0), uint16(6), uint16(0), uint32(0))
	wf(uint32(secRVA+(expSize+secAlign-1)/secAlign*secAlign), uint32(fileAlign), uint32(0))
	wf(uint16(3), uint16(0x0100)) // console subsystem; NX compatible
	wf(uint64(0x100000), uint64(0x1000), uint64(0x100000), uint64(0x1000), uint32(0), uint32(16))
	wf(uint32(secRVA), uint32(expSize)) // export directory
	for i := 1; i < 16; i++ {
		wf(uint64(0))
	}
	var secName [8]byte
	copy(secName[:], ".rdata")
	f.Write(secName[:])
	wf(uint32(expSize), uint32(secRVA), uint32(raw), uint32(fileAlign), uint32(0), uint32(0), uint16(0), uint16(0), uint32(0x40000040))
	f.Write(make([]byte, fileAlign-f.Len()))
	f.Write(sec.Bytes())
	return f.Bytes()
}

package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
)

// Paths are where Labelbridge keeps its files.
type Paths struct {
	ConfigDir  string
	ConfigFile string // config.json in ConfigDir
	TokenFile  string // the local CLI token, in ConfigDir
	PolicyFile string // machine-wide admin policy
	DataDir    string // jobs.db, the virtual printer's folder
	LogDir     string
}

// DefaultPaths returns the per-user locations for this OS. LABELBRIDGE_HOME
// puts everything under one folder (portable installs, tests);
// LABELBRIDGE_POLICY names another policy file.
func DefaultPaths() (Paths, error) {
	var p Paths
	if home := os.Getenv("LABELBRIDGE_HOME"); home != "" {
		abs, err := filepath.Abs(home)
		if err != nil {
			return p, fmt.Errorf("LABELBRIDGE_HOME: %w", err)
		}
		p = Paths{ConfigDir: filepath.Join(abs, "config"), DataDir: filepath.Join(abs, "data"), LogDir: filepath.Join(abs, "logs")}
	} else {
		var err error
		if p, err = osPaths(); err != nil {
			return p, err
		}
	}
	p.PolicyFile = osPolicyFile()
	if v, ok := os.LookupEnv("LABELBRIDGE_POLICY"); ok {
		p.PolicyFile = v
	}
	p.ConfigFile = filepath.Join(p.ConfigDir, "config.json")
	p.TokenFile = filepath.Join(p.ConfigDir, "token")
	return p, nil
}

// EnsureToken returns the local CLI token, creating it (0600) on first use.
// Programs on this PC that present it may connect without an Origin. The
// file is written atomically; a damaged one (torn by a crash) is replaced
// with a new token rather than stopping the agent.
func EnsureToken(path string) (string, error) {
	tok, err := ReadToken(path)
	if err == nil {
		return tok, nil
	}
	damaged := !errors.Is(err, os.ErrNotExist)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create config dir: %w", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make token: %w", err)
	}
	tok = hex.EncodeToString(b[:])
	if damaged {
		if err := atomicfile.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
			return "", fmt.Errorf("replace damaged token: %w", err)
		}
		return tok, nil
	}
	err = atomicfile.Create(path, []byte(tok+"\n"), 0o600)
	if errors.Is(err, os.ErrExist) {
		return ReadToken(path) // another process made it first
	}
	if err != nil {
		return "", fmt.Errorf("write token: %w", err)
	}
	return tok, nil
}

// ReadToken reads the local CLI token.
func ReadToken(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(data))
	if len(tok) < 32 {
		return "", fmt.Errorf("token file %s is damaged", path)
	}
	return tok, nil
}

// Loading: the user's file (strictly decoded, torn files recovered from the backup),
// the admin policy over it, and the environment overrides.

package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
	"github.com/labelbridge/labelbridge/internal/strictjson"
)

// decodeStrict decodes JSON into v, failing on unknown keys with the key
// named, and on trailing data.
func decodeStrict(data []byte, v any, what string) error {
	err := strictjson.Decode(data, v)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, strictjson.ErrTrailingData):
		return fmt.Errorf("%s: unexpected data after the JSON object", what)
	}
	return fmt.Errorf("%s: %w", what, describeJSONError(err))
}

func describeJSONError(err error) error {
	var uf *strictjson.UnknownFieldError
	if errors.As(err, &uf) {
		return fmt.Errorf("unknown key %q", uf.Field)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: want %s, got JSON %s", te.Field, te.Type, te.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("invalid JSON: the file ends early")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
	}
	if strings.HasPrefix(err.Error(), "json: cannot unmarshal") || strings.Contains(err.Error(), "want a duration") {
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	return err
}

// Load reads the user config and the admin policy and applies the
// environment (LABELBRIDGE_PORT, LABELBRIDGE_ALLOWED_ORIGINS).
func Load(paths Paths) (*Loaded, error) {
	u, err := readUser(paths.ConfigFile)
	if err != nil {
		return nil, err
	}
	user := u.config
	eff := &Loaded{Config: user, Paths: paths, PolicyKeys: map[string]bool{}}
	if u.warning != "" {
		eff.Warnings = append(eff.Warnings, u.warning)
	}
	if u.good != nil {
		// Keep the last good copy for the day this file is torn.
		if err := refreshBackup(paths.ConfigFile, u.good); err != nil {
			eff.Warnings = append(eff.Warnings, fmt.Sprintf("could not keep a copy of %s: %v", paths.ConfigFile, err))
		}
	}
	// Decoding the policy over eff must not write into the user's arrays.
	eff.AllowedOrigins = slices.Clone(user.AllowedOrigins)
	eff.DeniedOrigins = slices.Clone(user.DeniedOrigins)
	eff.NetworkPrinters = slices.Clone(user.NetworkPrinters)
	eff.Fonts = slices.Clone(user.Fonts)
	if paths.PolicyFile != "" {
		data, err := os.ReadFile(paths.PolicyFile)
		switch {
		case err == nil:
			var pol Policy
			if err := decodeStrict(data, &pol, paths.PolicyFile); err != nil {
				return nil, err
			}
			var keys map[string]json.RawMessage
			_ = json.Unmarshal(data, &keys)
			for k := range keys {
				eff.PolicyKeys[k] = true
			}
			// The policy's keys replace the user's.
			if err := json.Unmarshal(data, &eff.Config); err != nil {
				return nil, fmt.Errorf("%s: %w", paths.PolicyFile, err)
			}
			eff.PolicyOrigins = pol.AllowedOrigins
			eff.LockAllowedOrigins = pol.LockAllowedOrigins
			if !pol.LockAllowedOrigins {
				eff.AllowedOrigins = append(slices.Clone(pol.AllowedOrigins), user.AllowedOrigins...)
			}
		case errors.Is(err, os.ErrNotExist):
		default:
			return nil, fmt.Errorf("read admin policy: %w", err)
		}
	}
	if err := eff.applyEnv(user); err != nil {
		return nil, err
	}
	eff.applyDefaults()
	if err := eff.Validate(); err != nil {
		src := paths.ConfigFile
		if len(eff.PolicyKeys) > 0 {
			src += " (with admin policy " + paths.PolicyFile + ")"
		}
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return eff, nil
}

// BackupSuffix and DamagedSuffix name the files kept next to config.json:
// its last good copy, and a torn file that was replaced.
const (
	BackupSuffix  = ".bak"
	DamagedSuffix = ".damaged"
)

// userFile is the user's config file as read by readUser.
type userFile struct {
	config  Config
	good    []byte // the file's bytes when it was valid and not empty
	torn    []byte // the file's bytes when it was torn
	warning string // set when the file was torn and a fallback is in use
}

// readUser reads the user's config file. A file that is not JSON at all —
// torn or truncated by a crash or power loss: empty, cut off mid-object,
// zero-filled — never stops the agent: the last good copy (config.json.bak)
// is used instead, or the defaults when there is none, with a warning that
// names both. Valid JSON with an unknown key or a bad value is an error that
// names the key (the documented contract: the user must fix it).
func readUser(path string) (userFile, error) {
	var u userFile
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return u, nil
	}
	if err != nil {
		return u, fmt.Errorf("read config: %w", err)
	}
	blank := len(bytes.TrimSpace(data)) == 0
	if !blank && json.Valid(data) {
		if err := decodeStrict(data, &u.config, path); err != nil {
			return u, err
		}
		u.good = data
		return u, nil
	}
	bak := path + BackupSuffix
	var why string
	if blank {
		why = "is empty"
	} else {
		u.torn = data
		why = "is damaged (" + describeJSONError(json.Unmarshal(data, new(any))).Error() + ")"
	}
	if b, err := os.ReadFile(bak); err == nil && len(bytes.TrimSpace(b)) > 0 && decodeStrict(b, &u.config, bak) == nil {
		u.warning = fmt.Sprintf("config file %s %s, probably cut short by a crash or power loss: using its last good copy %s", path, why, bak)
		return u, nil
	}
	u.config = Config{}
	if blank {
		return u, nil // an empty file with no copy to go back to: nothing configured
	}
	u.warning = fmt.Sprintf("config file %s %s, probably cut short by a crash or power loss, and there is no good copy %s: running on the defaults (fix or delete the file)", path, why, bak)
	return u, nil
}

// refreshBackup writes data to path's last good copy when it differs.
func refreshBackup(path string, data []byte) error {
	bak := path + BackupSuffix
	if old, err := os.ReadFile(bak); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return atomicfile.WriteFile(bak, data, 0o600)
}

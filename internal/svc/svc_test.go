package svc

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestConfig(t *testing.T) {
	c := Config(Spec{Exe: "/opt/lb/labelbridge", Port: 19999, Env: map[string]string{"LABELBRIDGE_HOME": "/srv/lb"}})
	if c.Name != "labelbridge" || c.Executable != "/opt/lb/labelbridge" {
		t.Errorf("name/executable = %q/%q", c.Name, c.Executable)
	}
	want := append(append([]string(nil), runArgs...), "--port", "19999")
	if !slices.Equal(c.Arguments, want) {
		t.Errorf("arguments = %q, want %q", c.Arguments, want)
	}
	if v, ok := c.Option["UserService"].(bool); !ok || !v {
		t.Errorf("UserService option = %v, want true", c.Option["UserService"])
	}
	if c.EnvVars["LABELBRIDGE_HOME"] != "/srv/lb" {
		t.Errorf("env = %v", c.EnvVars)
	}
	// Without a port the service takes the config's.
	if c := Config(Spec{Exe: "x"}); slices.Contains(c.Arguments, "--port") {
		t.Errorf("arguments without a port = %q", c.Arguments)
	}
}

func TestEnv(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("LABELBRIDGE_HOME", "home")
	t.Setenv("LABELBRIDGE_POLICY", "")
	env := Env()
	if got, want := env["LABELBRIDGE_HOME"], filepath.Join(dir, "home"); got != want {
		t.Errorf("LABELBRIDGE_HOME = %q, want the absolute %q", got, want)
	}
	if _, ok := env["LABELBRIDGE_POLICY"]; ok {
		t.Errorf("an empty LABELBRIDGE_POLICY was passed on: %v", env)
	}
}

func TestHint(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]string{
		"Failed to connect to bus: no such file":   "loginctl enable-linger",
		"XDG_RUNTIME_DIR not set":                  "loginctl enable-linger",
		"OpenSCManager: Access is denied.":         "administrator prompt",
		"something else went wrong in the manager": "",
	} {
		got := Hint(errors.New(msg))
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("Hint(%q) = %q, want %q", msg, got, want)
		}
	}
}

// A Program runs the functions it is given; without them it does nothing.
func TestProgram(t *testing.T) {
	t.Parallel()
	var calls []string
	p := Program{OnStart: func() error { calls = append(calls, "start"); return nil },
		OnStop: func() error { calls = append(calls, "stop"); return errors.New("stuck") }}
	if err := p.Start(nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(nil); err == nil || err.Error() != "stuck" {
		t.Errorf("Stop = %v, want the OnStop error", err)
	}
	if !slices.Equal(calls, []string{"start", "stop"}) {
		t.Errorf("calls %q", calls)
	}
	if (Program{}).Start(nil) != nil || (Program{}).Stop(nil) != nil {
		t.Error("an empty Program failed")
	}
}

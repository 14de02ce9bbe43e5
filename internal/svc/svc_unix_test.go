//go:build !windows

package svc

import (
	"strings"
	"testing"

	"github.com/kardianos/service"
)

// fakeSystem is a service manager with only a name.
type fakeSystem struct{ name string }

func (f fakeSystem) String() string    { return f.name }
func (f fakeSystem) Detect() bool      { return true }
func (f fakeSystem) Interactive() bool { return true }
func (f fakeSystem) New(service.Interface, *service.Config) (service.Service, error) {
	return nil, nil
}

func TestCheckManager(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"linux-systemd", "darwin-launchd"} {
		if err := CheckManager(fakeSystem{ok}); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"unix-systemv", "linux-upstart", "linux-openrc"} {
		err := CheckManager(fakeSystem{bad})
		if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "systemd --user") {
			t.Errorf("%s: err = %v, want a clear error naming it and systemd --user", bad, err)
		}
	}
	if err := CheckManager(nil); err == nil {
		t.Error("no service manager: want an error")
	}
}

package svc

import (
	"errors"

	"github.com/kardianos/service"
)

// runArgs: a Windows service must answer the service control manager,
// which `service run` does through kardianos.
var runArgs = []string{"service", "run"}

// CheckManager checks that the Windows service manager is there.
func CheckManager(sys service.System) error {
	if sys == nil {
		return errors.New("service: the Windows service manager is not available")
	}
	return nil
}

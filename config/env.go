// Environment overrides: LABELBRIDGE_PORT, LABELBRIDGE_ALLOWED_ORIGINS and
// the fleet's LABELBRIDGE_FLEET_* variables, applied over the files.

package config

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// applyEnv applies the environment over the user's config and the policy;
// user is the user's file as read (its origins are the ones written back).
func (l *Loaded) applyEnv(user Config) error {
	if v := os.Getenv("LABELBRIDGE_PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("LABELBRIDGE_PORT: %q is not a number", v)
		}
		l.Port = n
	}
	if !l.LockAllowedOrigins {
		l.UserOrigins = slices.Clone(user.AllowedOrigins)
		for _, o := range strings.Split(os.Getenv("LABELBRIDGE_ALLOWED_ORIGINS"), ",") {
			if o = strings.TrimSpace(o); o != "" {
				l.EnvOrigins = append(l.EnvOrigins, o)
				l.AllowedOrigins = append(l.AllowedOrigins, o)
			}
		}
	}
	l.Fleet.applyEnv() // LABELBRIDGE_FLEET_BROKER, LABELBRIDGE_FLEET_STATION
	return nil
}

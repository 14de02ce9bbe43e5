package main

import (
	"fmt"
	"log/slog"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/audit"
)

// prepareFiles logs what loading the config worked around (a torn file),
// tightens the agent's folders and files to the user alone, and opens the
// audit log.
func prepareFiles(cfg *config.Loaded, log *slog.Logger) (*audit.Log, error) {
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	changes, err := config.TightenModes(cfg.Paths)
	for _, c := range changes {
		log.Warn("tightened permissions: it was readable by other users", "path", c.Path,
			"from", fmt.Sprintf("%04o", c.From), "to", fmt.Sprintf("%04o", c.To))
	}
	if err != nil {
		log.Warn("could not tighten permissions", "err", err)
	}
	return audit.Open(cfg.Paths.LogDir)
}

// record writes a security event to the audit log, and says so in the main
// log when it cannot.
func (a *agent) record(event string, fields ...any) {
	if err := a.audit.Record(event, fields...); err != nil {
		a.log.Error("audit log", "event", event, "err", err)
	}
}

// auditConfig records the printer changes a config rewrite made
// (audit.ConfigChanges).
func (a *agent) auditConfig(before, after config.Config) {
	audit.ConfigChanges(before, after, a.record)
}

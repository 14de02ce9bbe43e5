package main

import (
	"context"

	"github.com/labelbridge/labelbridge/internal/discovery"
)

// startDiscovery starts this OS's printer discovery (unless "usb": false).
func (a *agent) startDiscovery(ctx context.Context) {
	if !a.cfg.USBEnabled() {
		a.log.Info("USB discovery is off (\"usb\": false in config)")
		return
	}
	discovery.Start(ctx, &a.wg, discovery.Watchers(), a.spooler, a.log)
}

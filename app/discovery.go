package main

import "context"

// startDiscovery starts the USB (and OS printer) discovery loops.
func (a *agent) startDiscovery(ctx context.Context) {}

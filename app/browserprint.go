package main

import "context"

// startCompat starts the opt-in Zebra Browser Print compatible endpoint.
func (a *agent) startCompat(ctx context.Context) {}

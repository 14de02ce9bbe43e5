package store

import (
	"context"
	"log/slog"
	"time"
)

// PruneLoop applies r now and every interval until ctx ends, logging what
// it deleted and what failed.
func (s *Store) PruneLoop(ctx context.Context, r Retention, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.Prune(ctx, r, time.Now()); err != nil && ctx.Err() == nil {
			log.Warn("pruning job history failed", "err", err)
		} else if n > 0 {
			log.Info("pruned job history", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

func open(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jobs.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func create(t *testing.T, s *Store, j printing.Job) printing.Job {
	t.Helper()
	r, err := s.Create(context.Background(), printing.NewJob{Job: j, Payload: []byte("data " + j.Title)})
	if err != nil {
		t.Fatal(err)
	}
	return r.Job
}

func TestCreateGetPayloadAndReopen(t *testing.T) {
	s, path := open(t)
	j := create(t, s, printing.Job{State: printing.JobQueued, Printer: "p", Origin: "o", Title: "a"})
	if j.ID == "" || j.CreatedAt.IsZero() {
		t.Fatalf("created %+v", j)
	}
	s.Close()
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Get(j.ID)
	if err != nil || got.Title != "a" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	data, err := s2.Payload(j.ID)
	if err != nil || string(data) != "data a" {
		t.Fatalf("payload %q, %v", data, err)
	}
	if _, err := s2.Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(nope) = %v", err)
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	_, path := open(t)
	_, err := Open(path, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open = %v, want ErrLocked", err)
	}
}

// Concurrent creates share commits, and ids keep creation order.
func TestGroupCommitAndOrder(t *testing.T) {
	s, _ := open(t)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var chans []<-chan printing.CreateResult
			for i := range 100 {
				chans = append(chans, s.CreateAsync(printing.NewJob{Job: printing.Job{State: printing.JobQueued, Title: fmt.Sprint(w, "-", i)}}))
			}
			prev := ""
			for _, ch := range chans {
				r := <-ch
				if r.Err != nil {
					t.Error(r.Err)
					return
				}
				if r.Job.ID <= prev {
					t.Errorf("ids out of order: %s after %s", r.Job.ID, prev)
				}
				prev = r.Job.ID
			}
		}()
	}
	wg.Wait()
	commits, ops := s.CommitStats()
	if ops != 800 || commits >= 800 {
		t.Fatalf("%d ops in %d commits: want fewer commits than ops", ops, commits)
	}
	list, _ := s.List(printing.JobFilter{})
	if len(list) != 800 {
		t.Fatalf("listed %d", len(list))
	}
}

func TestIdempotency(t *testing.T) {
	s, _ := open(t)
	a := create(t, s, printing.Job{State: printing.JobQueued, Origin: "o1", IdempotencyKey: "k"})
	r, _ := s.Create(context.Background(), printing.NewJob{Job: printing.Job{Origin: "o1", IdempotencyKey: "k"}})
	if !r.Existing || r.Job.ID != a.ID {
		t.Fatalf("same key = %+v", r)
	}
	r, _ = s.Create(context.Background(), printing.NewJob{Job: printing.Job{Origin: "o2", IdempotencyKey: "k"}})
	if r.Existing {
		t.Fatalf("another origin's key matched")
	}
}

func TestPruneKeepsUnfinishedAndRespectsLimits(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	var jobs []printing.Job
	for i := range 10 {
		j := create(t, s, printing.Job{State: printing.JobQueued, Title: fmt.Sprint(i), IdempotencyKey: fmt.Sprint("k", i), Origin: "o"})
		jobs = append(jobs, j)
	}
	// 0-7 done; 8, 9 still queued. Jobs 0-2 finished long ago.
	for i := range 8 {
		jobs[i].State = printing.JobDone
		if i < 3 {
			jobs[i].UpdatedAt = time.Now().Add(-30 * 24 * time.Hour)
		}
	}
	if err := s.Put(ctx, jobs...); err != nil {
		t.Fatal(err)
	}
	n, err := s.Prune(ctx, Retention{MaxAge: 7 * 24 * time.Hour}, time.Now().Add(time.Hour))
	if err != nil || n != 0 {
		t.Fatalf("age prune an hour later deleted %d (%v): nothing was created a week ago", n, err)
	}
	n, err = s.Prune(ctx, Retention{MaxJobs: 7}, time.Now())
	if err != nil || n != 3 {
		t.Fatalf("count prune to 7 deleted %d (%v), want the 3 oldest finished", n, err)
	}
	n, err = s.Prune(ctx, Retention{MaxAge: 7 * 24 * time.Hour}, time.Now().Add(8*24*time.Hour))
	if err != nil || n != 5 {
		t.Fatalf("age prune a week later deleted %d (%v), want the other 5 finished", n, err)
	}
	un, _ := s.Unfinished()
	if len(un) != 2 {
		t.Fatalf("unfinished after prune = %d, want 2", len(un))
	}
	// The pruned job's idempotency key is free again.
	r, _ := s.Create(ctx, printing.NewJob{Job: printing.Job{Origin: "o", IdempotencyKey: "k0"}})
	if r.Existing {
		t.Fatalf("pruned job's key still matched")
	}
	if _, err := s.Payload(jobs[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pruned payload still there: %v", err)
	}
}

func TestClosedStoreRefuses(t *testing.T) {
	s, _ := open(t)
	s.Close()
	r := <-s.CreateAsync(printing.NewJob{})
	if !errors.Is(r.Err, ErrClosed) {
		t.Fatalf("create after close = %v", r.Err)
	}
}

func BenchmarkCreate(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "jobs.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	payload := make([]byte, 200)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r := <-s.CreateAsync(printing.NewJob{Job: printing.Job{State: printing.JobQueued}, Payload: payload}); r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	})
	c, o := s.CommitStats()
	b.ReportMetric(float64(o)/float64(max(c, 1)), "jobs/commit")
}

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
	bolt "go.etcd.io/bbolt"
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
	// The pruned job's idempotency key still answers, with the job's minimal form.
	r, _ := s.Create(ctx, printing.NewJob{Job: printing.Job{Origin: "o", IdempotencyKey: "k0"}})
	if !r.Existing || r.Job.ID != jobs[0].ID || !r.Job.Pruned || r.Job.State != printing.JobDone || r.Job.Title != "" {
		t.Fatalf("pruned job's key = %+v: want a duplicate in minimal form", r)
	}
	n, err = s.Prune(ctx, Retention{MaxAge: 7 * 24 * time.Hour}, time.Now().Add(8*24*time.Hour))
	if err != nil || n != 5 {
		t.Fatalf("age prune a week later deleted %d (%v), want the other 5 finished", n, err)
	}
	un, _ := s.Unfinished()
	if len(un) != 2 {
		t.Fatalf("unfinished after prune = %d, want 2", len(un))
	}
	// A week later the keys of the pruned jobs are past their window.
	r, _ = s.Create(ctx, printing.NewJob{Job: printing.Job{Origin: "o", IdempotencyKey: "k1"}})
	if r.Existing {
		t.Fatalf("a key past its window still matched: %+v", r)
	}
	if _, err := s.Payload(jobs[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pruned payload still there: %v", err)
	}
}

// Keys are forgotten only once their job body is gone and they are older
// than the key window, or beyond their origin's cap: one origin's flood
// forgets only its own oldest keys.
func TestKeyIndexBoundedByAgeAndPerOrigin(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	mk := func(origin, key string) printing.Job {
		return create(t, s, printing.Job{State: printing.JobDone, Origin: origin, IdempotencyKey: key})
	}
	dup := func(origin, key string) bool {
		t.Helper()
		r, err := s.Create(ctx, printing.NewJob{Job: printing.Job{State: printing.JobDone, Origin: origin, IdempotencyKey: key}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Existing
	}
	a := mk("https://a", "A1")
	for i := range 20 {
		mk("https://b", fmt.Sprint("B", i))
	}
	r := Retention{MaxAge: 7 * 24 * time.Hour, MaxJobs: 1, KeysPerOrigin: 5}
	if _, err := s.Prune(ctx, r, time.Now()); err != nil {
		t.Fatal(err)
	}
	if !dup("https://a", "A1") {
		t.Fatal("origin b's flood evicted origin a's key")
	}
	for i := range 15 {
		if dup("https://b", fmt.Sprint("B", i)) {
			t.Fatalf("b's key B%d survived beyond b's cap of 5", i)
		}
	}
	// Those resends made new jobs; B15-B19 (the newest five before) remain.
	if _, err := s.Prune(ctx, Retention{MaxJobs: 1, KeysPerOrigin: -1}, time.Now()); err != nil {
		t.Fatal(err)
	}
	for i := 15; i < 20; i++ {
		if !dup("https://b", fmt.Sprint("B", i)) {
			t.Fatalf("b's key B%d was forgotten within its cap", i)
		}
	}
	// Past the window (a week by default, from MaxAge) a's key goes too.
	if _, err := s.Prune(ctx, Retention{MaxAge: 7 * 24 * time.Hour}, time.Now().Add(6*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !dup("https://a", "A1") {
		t.Fatal("a's key was forgotten inside its window")
	}
	if _, err := s.Prune(ctx, Retention{MaxAge: 7 * 24 * time.Hour}, a.CreatedAt.Add(8*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if dup("https://a", "A1") {
		t.Fatal("a's key outlived its window")
	}
	// A job still in the history keeps its key whatever its age.
	q := create(t, s, printing.Job{State: printing.JobQueued, Origin: "https://a", IdempotencyKey: "live"})
	if _, err := s.Prune(ctx, Retention{MaxAge: time.Hour, KeysPerOrigin: 1}, q.CreatedAt.Add(30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !dup("https://a", "live") {
		t.Fatal("an unfinished job's key was forgotten")
	}
}

// List honours every filter and the limit, newest first, with and without
// the origin index.
func TestListFiltersAndLimit(t *testing.T) {
	s, _ := open(t)
	var all []printing.Job
	for i := range 30 {
		state := printing.JobDone
		if i%3 == 0 {
			state = printing.JobFailed
		}
		all = append(all, create(t, s, printing.Job{State: state, Printer: fmt.Sprint("p", i%2), Origin: fmt.Sprint("https://o", i%5), Title: fmt.Sprint(i)}))
	}
	cases := []printing.JobFilter{
		{}, {Limit: 7}, {Origin: "https://o3"}, {Origin: "https://o3", Limit: 2}, {Origin: "https://o"},
		{State: printing.JobFailed}, {State: printing.JobFailed, Limit: 3}, {Printer: "p1", State: printing.JobDone, Limit: 4},
		{Origin: "https://o0", Printer: "p0", State: printing.JobFailed},
	}
	for _, f := range cases {
		t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
			var want []string
			for i := len(all) - 1; i >= 0 && (f.Limit == 0 || len(want) < f.Limit); i-- {
				if f.Match(all[i]) {
					want = append(want, all[i].ID)
				}
			}
			got, err := s.List(f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, j := range got {
				ids = append(ids, j.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(want) {
				t.Fatalf("listed %v, want %v", ids, want)
			}
		})
	}
}

// A store written before the key-order and by-origin indexes gets them
// built when it is opened.
func TestIndexesBuiltForOlderStore(t *testing.T) {
	s, path := open(t)
	ctx := context.Background()
	a := create(t, s, printing.Job{State: printing.JobDone, Origin: "https://a", IdempotencyKey: "K"})
	create(t, s, printing.Job{State: printing.JobDone, Origin: "https://b"})
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketIdemOrder); err != nil {
			return err
		}
		return tx.DeleteBucket(bucketByOrigin)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, err := s2.List(printing.JobFilter{Origin: "https://a"}); err != nil || len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("origin list after upgrade = %+v, %v", got, err)
	}
	if _, err := s2.Prune(ctx, Retention{MaxJobs: 1, KeysPerOrigin: 1}, time.Now()); err != nil {
		t.Fatal(err)
	}
	r, err := s2.Create(ctx, printing.NewJob{Job: printing.Job{Origin: "https://a", IdempotencyKey: "K"}})
	if err != nil || !r.Existing || r.Job.ID != a.ID {
		t.Fatalf("key after upgrade and prune = %+v, %v", r, err)
	}
}

func TestRememberedPrinters(t *testing.T) {
	s, path := open(t)
	ctx := context.Background()
	p := printing.Printer{ID: "usb:1:2:S", Name: "Zebra", Connection: printing.ConnUSB, Language: "zpl", DPI: 300,
		Vendor: "Zebra", Model: "ZD421", Address: "/dev/usb/lp0", Status: printing.Status{State: printing.PrinterReady}, IsDefault: true}
	if err := s.RememberPrinter(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.RememberPrinter(ctx, printing.Printer{ID: "usb:3:4:T", Connection: printing.ConnUSB}); err != nil {
		t.Fatal(err)
	}
	if err := s.ForgetPrinter(ctx, "usb:3:4:T"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.RememberedPrinters()
	want := p
	want.Status, want.IsDefault = printing.Status{}, false // live state is not remembered
	if err != nil || len(got) != 1 || fmt.Sprintf("%+v", got[0]) != fmt.Sprintf("%+v", want) {
		t.Fatalf("remembered after reopen = %+v, %v; want [%+v]", got, err, want)
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

package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

var lim = printing.TemplateLimits{Count: 3, Bytes: 100}

// Templates survive a restart, are kept per origin (one site never sees or
// deletes another's), and replacing one keeps its creation time.
func TestTemplatesDurablePerOrigin(t *testing.T) {
	s, path := open(t)
	ctx := context.Background()
	a, b := "https://a.example", "https://b.example"
	first, err := s.SaveTemplate(ctx, a, "box", []byte(`{"v":1}`), lim)
	if err != nil || first.Name != "box" || first.Bytes != 7 {
		t.Fatalf("save: %+v, %v", first, err)
	}
	if _, err := s.SaveTemplate(ctx, b, "box", []byte(`{"v":"b"}`), lim); err != nil {
		t.Fatal(err)
	}
	again, err := s.SaveTemplate(ctx, a, "box", []byte(`{"v":2}`), lim)
	if err != nil || !again.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("replace: %+v, %v (created %v)", again, err, first.CreatedAt)
	}
	if _, err := s.SaveTemplate(ctx, a, "상품 라벨", []byte(`{}`), lim); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	list, err := s2.Templates(a)
	if err != nil || len(list) != 2 || list[0].Name != "box" || list[1].Name != "상품 라벨" {
		t.Fatalf("a's templates after restart: %+v, %v", list, err)
	}
	if _, l, err := s2.Template(a, "box"); err != nil || string(l) != `{"v":2}` {
		t.Fatalf("a's box: %s, %v", l, err)
	}
	if _, l, err := s2.Template(b, "box"); err != nil || string(l) != `{"v":"b"}` {
		t.Fatalf("b's box: %s, %v", l, err)
	}
	if _, _, err := s2.Template(b, "상품 라벨"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("b reads a's design: %v", err)
	}
	// An origin that is a prefix of another sees none of its designs.
	if list, _ := s2.Templates("https://a.example.evil"); len(list) != 0 {
		t.Fatalf("prefix origin lists %+v", list)
	}
	if found, err := s2.DeleteTemplate(ctx, b, "상품 라벨"); found || err != nil {
		t.Fatalf("b deleted a's design: %v, %v", found, err)
	}
	if found, err := s2.DeleteTemplate(ctx, a, "box"); !found || err != nil {
		t.Fatalf("delete: %v, %v", found, err)
	}
	if list, _ := s2.Templates(a); len(list) != 1 {
		t.Fatalf("after delete: %+v", list)
	}
}

func TestTemplateLimits(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := s.SaveTemplate(ctx, "o", fmt.Sprint(i), []byte(`{}`), lim); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.SaveTemplate(ctx, "o", "3", []byte(`{}`), lim)
	if printing.ReasonOf(err, "") != printing.ErrReasonTooComplex {
		t.Errorf("a 4th template: %v", err)
	}
	if _, err := s.SaveTemplate(ctx, "o", "0", make([]byte, 101), lim); printing.ReasonOf(err, "") != printing.ErrReasonTooComplex {
		t.Errorf("over the bytes: %v", err)
	}
	if _, err := s.SaveTemplate(ctx, "other", "0", []byte(`{}`), lim); err != nil {
		t.Errorf("another origin has its own limit: %v", err)
	}
}

package admin

import (
	"errors"
	"slices"
	"testing"

	"github.com/labelbridge/labelbridge/sites"
	"github.com/labelbridge/labelbridge/wire"
)

type noSites struct{}

func (noSites) List() []sites.Site   { return nil }
func (noSites) Locked() bool         { return false }
func (noSites) PendingCount() int    { return 0 }
func (noSites) Approve(string) error { return nil }
func (noSites) Deny(string) error    { return nil }
func (noSites) Revoke(string) error  { return nil }
func (noSites) Builtin() []string    { return nil }

// Every admin method is on the wire's list (which the SDK's AdminMethod
// type must match), and none is registered twice.
func TestMethodsAreWireAdminMethods(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, m := range New(Deps{Sites: noSites{}}).Methods() {
		if !slices.Contains(wire.AdminMethods(), m.Name) {
			t.Errorf("admin method %q is not in wire.AdminMethods(): add it to wire/methods.go and the SDK's AdminMethod", m.Name)
		}
		if seen[m.Name] {
			t.Errorf("admin method %q twice", m.Name)
		}
		seen[m.Name] = true
	}
}

// Params are decoded by the wire's one strict decoder: an unknown field
// is invalid_params naming it.
func TestAdminParamsAreStrict(t *testing.T) {
	t.Parallel()
	for _, m := range New(Deps{Sites: noSites{}}).Methods() {
		_, err := m.Call(t.Context(), []byte(`{"colour":"red"}`))
		var we *wire.Error
		if !errors.As(err, &we) || we.Data.Reason != wire.ReasonInvalidParams || we.Message != `params: unknown field "colour"` {
			t.Errorf("%s with an unknown field: %v, want invalid_params naming it", m.Name, err)
		}
	}
}

//go:build !windows

package adminpolicy

import (
	"strings"
	"testing"
)

func TestAllowInBrowsersOutsideWindows(t *testing.T) {
	t.Parallel()
	err := AllowInBrowsers([]string{"https://a.example"})
	if err == nil || !strings.Contains(err.Error(), "docs/install.md") {
		t.Errorf("AllowInBrowsers outside Windows: err = %v, want an error that points to the docs", err)
	}
}

package cachedir

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/cachehome")
	t.Setenv("HOME", "/tmp/home")
	got := Dir("fonts")
	if runtime.GOOS == "linux" && got != "/tmp/cachehome/labelbridge/fonts" {
		t.Errorf("Dir(fonts) = %q", got)
	}
	if filepath.Base(got) != "fonts" || !strings.Contains(strings.ToLower(got), "labelbridge") {
		t.Errorf("Dir(fonts) = %q: want .../labelbridge/.../fonts", got)
	}
}

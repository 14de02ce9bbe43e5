// Package cachedir names the folder where Labelbridge keeps caches it can
// rebuild (the font index, the PDF engine's compiled code): the user's
// cache folder, under the product's name spelled as the OS's other
// Labelbridge folders spell it. On Windows the cache folder is
// %LOCALAPPDATA%, which also holds the data folder; file names there ignore
// case, so the cache lives inside it as Labelbridge\cache rather than beside
// it as a "labelbridge" folder that would be the data folder anyway.
package cachedir

import (
	"os"
	"path/filepath"
)

// Dir returns the cache folder for sub (e.g. "fonts"), or a folder in the
// temporary directory when the user has no cache folder.
func Dir(sub string) string {
	base, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "labelbridge-"+sub)
	}
	return filepath.Join(append([]string{base}, append(productPath(), sub)...)...)
}

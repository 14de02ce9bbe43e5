package tray

import (
	"fmt"
	"io/fs"

	"github.com/labelbridge/labelbridge/assets"
)

// iconBytes is the icon file for a state in this OS's format (iconExt:
// .ico on Windows, .png elsewhere).
func iconBytes(i Icon) ([]byte, error) {
	name := i.file() + iconExt
	b, err := fs.ReadFile(assets.Icons(), name)
	if err != nil {
		return nil, fmt.Errorf("tray icon %s: %w", name, err)
	}
	return b, nil
}

//go:build unix

package raster

import (
	"fmt"
	"os"
	"sync"
	"syscall"
)

// Font files are mapped into memory read-only instead of read: parsing a
// font touches only its tables (cmap, metrics, GSUB/GPOS) and the glyphs
// drawn, so the CLI no longer copies and zeroes two 4.6 MB Nanum files on
// every start. A mapping is kept for the process's life and reused while
// the file's size and modification time stay the same, so their number is
// bounded by the distinct font files used. Package managers replace font
// files by renaming a new file over the old one, which leaves a mapping
// valid; a file truncated in place while mapped would fault on access.

var fontMaps = struct {
	sync.Mutex
	m map[string]fontMap
}{m: map[string]fontMap{}}

type fontMap struct {
	size  int64
	mtime int64
	data  []byte
}

// readFontFile returns the contents of a regular font file of st's size.
func readFontFile(path string, st os.FileInfo) ([]byte, error) {
	size, mtime := st.Size(), st.ModTime().UnixNano()
	fontMaps.Lock()
	defer fontMaps.Unlock()
	if fm, ok := fontMaps.m[path]; ok && fm.size == size && fm.mtime == mtime {
		return fm.data, nil
	}
	if size == 0 {
		return nil, fmt.Errorf("%s: empty file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return os.ReadFile(path) // e.g. a file system without mmap
	}
	fontMaps.m[path] = fontMap{size: size, mtime: mtime, data: data}
	return data, nil
}

package qz

import (
	"strings"

	"github.com/labelbridge/labelbridge/printing"
)

// Names are the printer names pages see: each printer's Labelbridge name,
// with its id added in brackets where two printers share a name (QZ Tray
// names are the OS queue names, which are unique).
func Names(ps []printing.Printer) []string {
	count := map[string]int{}
	for _, p := range ps {
		count[strings.ToLower(p.Name)]++
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
		if p.Name == "" {
			names[i] = p.ID
		} else if count[strings.ToLower(p.Name)] > 1 {
			names[i] = p.Name + " [" + p.ID + "]"
		}
	}
	return names
}

// Match finds the printer a query names, the way QZ Tray does
// (PrintServiceMatcher): case-insensitive, the default printer's name
// first when it equals the query, then the first exact name, else the
// last name that begins with the query, else the last that contains it.
// def is the default printer's index (-1: none). It returns the index of
// the match, or -1.
func Match(names []string, def int, query string) int {
	q := strings.ToLower(query)
	if def >= 0 && def < len(names) && strings.ToLower(names[def]) == q {
		return def
	}
	begins, partial := -1, -1
	for i, n := range names {
		n = strings.ToLower(n)
		switch {
		case n == q:
			return i
		case strings.HasPrefix(n, q):
			begins = i
		case strings.Contains(n, q):
			partial = i
		}
	}
	if begins >= 0 {
		return begins
	}
	return partial
}

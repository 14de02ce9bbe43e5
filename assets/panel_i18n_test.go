package assets

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The panel's words live only in its message catalogs (panel/i18n/*.json),
// one per language with the same keys; the page and its scripts hold none.
func TestPanelTextIsInTheCatalogs(t *testing.T) {
	panel := Panel()
	catalogs := map[string]map[string]string{}
	for _, lang := range []string{"en", "ko"} {
		b, err := fs.ReadFile(panel, "i18n/"+lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		var c map[string]string
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("i18n/%s.json: %v", lang, err)
		}
		catalogs[lang] = c
	}
	for k, v := range catalogs["en"] {
		if ko, ok := catalogs["ko"][k]; !ok || strings.TrimSpace(ko) == "" || strings.TrimSpace(v) == "" {
			t.Errorf("key %q: en %q, ko %q (every key in both, never empty)", k, v, ko)
		}
	}
	for k := range catalogs["ko"] {
		if _, ok := catalogs["en"][k]; !ok {
			t.Errorf("key %q is in ko.json only", k)
		}
	}

	// The pages (the panel and its login page): no text of their own (a
	// symbol such as × aside), only data-i18n keys.
	used := map[string]bool{}
	for _, name := range []string{"index.html", "login.html"} {
		html, err := fs.ReadFile(panel, name)
		if err != nil {
			t.Fatal(err)
		}
		page := regexp.MustCompile(`(?s)<!--.*?-->|<script.*?</script>|<style.*?</style>`).ReplaceAllString(string(html), "")
		for _, text := range regexp.MustCompile(`>([^<]+)<`).FindAllStringSubmatch(page, -1) {
			if regexp.MustCompile(`\pL`).MatchString(text[1]) {
				t.Errorf("%s has literal text %q: put it in the catalogs and use data-i18n", name, strings.TrimSpace(text[1]))
			}
		}
		for _, attr := range regexp.MustCompile(`\s(alt|title|placeholder|aria-label)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
			if regexp.MustCompile(`\pL`).MatchString(attr[2]) {
				t.Errorf("%s has a literal %s=%q: use data-i18n-%s", name, attr[1], attr[2], attr[1])
			}
		}
		for _, m := range regexp.MustCompile(`data-i18n(?:-[a-z-]+)?="([^"]+)"`).FindAllStringSubmatch(page, -1) {
			used[m[1]] = true
		}
	}

	// The scripts: no string literal that reads as words for people.
	scripts, _ := fs.Glob(panel, "*.js")
	literal := regexp.MustCompile(`'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|` + "`([^`]*)`")
	key := regexp.MustCompile(`\bt\(\s*'([A-Za-z0-9_.]+)'`)
	prose := regexp.MustCompile(`^[A-Z][a-z]+[ ,.:!?—]|[A-Za-z]{2,} [A-Za-z]{2,}|[^\x00-\x7F]*\p{Hangul}`)
	code := regexp.MustCompile(`^[a-z0-9 _.:#=\[\]"*~^$()>,-]*$`) // selectors, class lists, method names, keys
	for _, name := range scripts {
		b, _ := fs.ReadFile(panel, name)
		src := regexp.MustCompile(`(?m)^\s*//.*$|/\*(?s:.*?)\*/`).ReplaceAllString(string(b), "")
		for _, m := range literal.FindAllStringSubmatch(src, -1) {
			s := m[1] + m[2] + m[3]
			if strings.Contains(s, "${") || code.MatchString(s) {
				continue
			}
			if prose.MatchString(s) {
				t.Errorf("%s: literal %q reads as text for people: put it in the catalogs and use t()", name, s)
			}
		}
		for _, m := range key.FindAllStringSubmatch(src, -1) {
			used[m[1]] = true
		}
	}
	var missing []string
	for k := range used {
		if _, ok := catalogs["en"][k]; !ok {
			missing = append(missing, k)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("keys used but not in the catalogs: %v", missing)
	}
}

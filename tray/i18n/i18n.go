// Package i18n holds the tray menu's words: one message catalog per
// language (en.json, ko.json, embedded), chosen from the operating system's
// locale (Detect). Messages name their arguments ("{n} printers", "{broker}");
// counts pick key.one or key.other. English is the fallback for a language
// without a catalog, and a message missing from a catalog (a test keeps the
// catalogs' keys equal).
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

//go:embed *.json
var files embed.FS

// Fallback is the language used when the OS asks for one without a catalog.
const Fallback = "en"

// Catalog is one language's messages.
type Catalog struct {
	Lang string
	msgs map[string]string
	en   map[string]string
}

var catalogs = map[string]map[string]string{}

func init() {
	entries, err := files.ReadDir(".")
	if err != nil {
		panic(fmt.Sprintf("tray/i18n: %v", err))
	}
	for _, e := range entries {
		data, err := files.ReadFile(e.Name())
		if err != nil {
			panic(fmt.Sprintf("tray/i18n: %v", err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			panic(fmt.Sprintf("tray/i18n: %s: %v", e.Name(), err)) // embedded at build time: a test parses them
		}
		catalogs[strings.TrimSuffix(e.Name(), ".json")] = m
	}
}

// Languages lists the languages that have a catalog.
func Languages() []string {
	out := make([]string, 0, len(catalogs))
	for l := range catalogs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Keys lists the message keys of lang's catalog (nil without one).
func Keys(lang string) []string {
	var out []string
	for k := range catalogs[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// For returns the catalog for a locale name ("ko", "ko_KR.UTF-8", "ko-KR",
// "en_US"): its language part, or English.
func For(locale string) *Catalog {
	lang := Language(locale)
	if _, ok := catalogs[lang]; !ok {
		lang = Fallback
	}
	return &Catalog{Lang: lang, msgs: catalogs[lang], en: catalogs[Fallback]}
}

// Language is the language part of a locale name, lower case: "ko" for
// "ko_KR.UTF-8", "ko-KR" or "ko"; "" for "C", "POSIX" or "".
func Language(locale string) string {
	l := strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(l, "_-.@"); i >= 0 {
		l = l[:i]
	}
	if l == "c" || l == "posix" {
		return ""
	}
	return l
}

// T returns the message key with its {name} arguments filled from args
// (name, value pairs). A key no catalog has comes back as itself.
func (c *Catalog) T(key string, args ...any) string {
	msg, ok := c.msgs[key]
	if !ok {
		if msg, ok = c.en[key]; !ok {
			return key
		}
	}
	for i := 0; i+1 < len(args); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return msg
}

// N is T for a count: key.one when n is 1, else key.other, with {n}.
func (c *Catalog) N(key string, n int, args ...any) string {
	form := key + ".other"
	if n == 1 {
		form = key + ".one"
	}
	return c.T(form, append([]any{"n", strconv.Itoa(n)}, args...)...)
}

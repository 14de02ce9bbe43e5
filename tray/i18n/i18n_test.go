package i18n

import (
	"regexp"
	"slices"
	"testing"
)

// TestCatalogsMatch: every language has every key, no message is empty, and
// each message names the same {arguments} as the English one.
func TestCatalogsMatch(t *testing.T) {
	t.Parallel()
	langs := Languages()
	if !slices.Equal(langs, []string{"en", "ko"}) {
		t.Fatalf("languages %v, want en and ko", langs)
	}
	arg := regexp.MustCompile(`\{[a-z]+\}`)
	en := catalogs["en"]
	for _, lang := range langs {
		if !slices.Equal(Keys(lang), Keys("en")) {
			t.Errorf("%s.json and en.json have different keys", lang)
		}
		for k, msg := range catalogs[lang] {
			if msg == "" {
				t.Errorf("%s: %s is empty", lang, k)
			}
			got, want := arg.FindAllString(msg, -1), arg.FindAllString(en[k], -1)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s names %v, English names %v", lang, k, got, want)
			}
		}
	}
}

func TestForPicksTheLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ locale, lang string }{
		{"ko_KR.UTF-8", "ko"}, {"ko-KR", "ko"}, {"ko", "ko"}, {"KO_kr.utf8", "ko"}, {"ko_KR@euro", "ko"},
		{"en_US.UTF-8", "en"}, {"en-GB", "en"}, {"de_DE.UTF-8", "en"}, {"C", "en"}, {"POSIX", "en"}, {"C.UTF-8", "en"}, {"", "en"},
	} {
		if got := For(tc.locale).Lang; got != tc.lang {
			t.Errorf("For(%q) = %s, want %s", tc.locale, got, tc.lang)
		}
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	en, ko := For("en"), For("ko")
	for _, tc := range []struct{ got, want string }{
		{en.N("printers", 1), "1 printer"},
		{en.N("printers", 3), "3 printers"},
		{ko.N("printers", 3), "프린터 3대"},
		{en.T("fleet.connected", "broker", "mq.example"), "Fleet: connected to mq.example"},
		{ko.T("fleet.connected", "broker", "mq.example"), "플릿: mq.example에 연결됨"},
		{ko.T("no.such.key"), "no.such.key"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestLocaleFromEnv: LC_ALL overrides LC_MESSAGES, which overrides LANG.
func TestLocaleFromEnv(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "ko_KR.UTF-8"}, "ko_KR.UTF-8"},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "ko_KR.UTF-8"}, "ko_KR.UTF-8"},
		{map[string]string{"LANG": "ko_KR.UTF-8", "LC_MESSAGES": "ko_KR.UTF-8", "LC_ALL": "C"}, "C"},
		{map[string]string{}, ""},
	} {
		if got := fromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.env, got, tc.want)
		}
	}
}

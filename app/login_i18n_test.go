package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/labelbridge/labelbridge/config"
)

// TestLoginPageInBothLanguages: the login page (/login) speaks the
// browser's language from the panel's catalogs, in headless Chromium
// against the real agent: without a code it says how to open the panel, a
// used or unknown code says the link expired, and a working link still
// opens the panel.
func TestLoginPageInBothLanguages(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	catalog := func(lang string) map[string]string {
		data, err := os.ReadFile(filepath.Join("..", "assets", "panel", "i18n", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var c map[string]string
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", a.port)
	for _, tc := range []struct{ browser, lang string }{{"ko-KR", "ko"}, {"en-US", "en"}} {
		t.Run(tc.lang, func(t *testing.T) {
			c := catalog(tc.lang)
			ctx := startChromiumLang(t, tc.browser)
			browserStep(t, ctx, "open /login without a code",
				chromedp.Navigate(base+"/login"),
				chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`html[lang=%q] #login-needed`, tc.lang))),
			)
			texts := evalJS[map[string]string](t, ctx, `({
				title: document.title, h1: document.querySelector('#login-needed h1').textContent,
				cli: document.querySelector('[data-i18n="login.cli"]').textContent,
				tagline: document.querySelector('.brand-sub').textContent,
				error: document.getElementById('login-error').hidden ? '' : 'shown'})`)
			for k, want := range map[string]string{"title": c["app.title"], "h1": c["login.title"], "cli": c["login.cli"], "tagline": c["app.tagline"], "error": ""} {
				if texts[k] != want {
					t.Errorf("%s: %q, want %q", k, texts[k], want)
				}
			}

			browserStep(t, ctx, "open a link whose code is not (or no longer) valid",
				chromedp.Navigate("about:blank"), // from /login, only the fragment would change: no new page
				chromedp.Navigate(base+"/login#code=not-a-code"),
				chromedp.WaitVisible(chromedp.CSS(`#login-error`)),
			)
			if got := evalJS[string](t, ctx, `document.getElementById('login-error').textContent`); got != c["login.expired"] {
				t.Errorf("error %q, want %q", got, c["login.expired"])
			}

			browserStep(t, ctx, "a working link opens the panel, in the same language",
				chromedp.Navigate("about:blank"),
				chromedp.Navigate(a.panelLoginURL()),
				chromedp.WaitVisible(chromedp.CSS(`#conn[data-state="open"]`)),
				chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`html[lang=%q]`, tc.lang))),
			)
		})
	}
}

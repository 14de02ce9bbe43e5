package i18n

import "os"

// Detect returns the user's locale as the operating system names it
// ("ko_KR.UTF-8", "ko-KR"): on Unix the environment (LC_ALL, then
// LC_MESSAGES, then LANG); on Windows the user's default locale; on macOS
// the environment, then the AppleLocale preference. "" when none is set.
func Detect() string {
	if l := fromEnv(os.Getenv); l != "" {
		return l
	}
	return systemLocale()
}

// fromEnv is the POSIX order for messages: LC_ALL overrides LC_MESSAGES,
// which overrides LANG.
func fromEnv(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			return v
		}
	}
	return ""
}

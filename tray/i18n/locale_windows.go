package i18n

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

var procGetUserDefaultLocaleName = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetUserDefaultLocaleName")

// systemLocale is the user's default locale name ("ko-KR"), from
// GetUserDefaultLocaleName; "" when it cannot be read.
func systemLocale() string {
	const localeNameMaxLength = 85 // LOCALE_NAME_MAX_LENGTH
	buf := make([]uint16, localeNameMaxLength)
	n, _, _ := procGetUserDefaultLocaleName.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	if n == 0 {
		return ""
	}
	return syscall.UTF16ToString(buf)
}

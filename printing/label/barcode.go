package label

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Data limits per symbology (bytes).
const (
	MaxLinearData = 80
	MaxQRData     = 2000
	MaxDMData     = 1000
)

const code39Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"

// NormalizeData checks barcode data for a symbology and returns it in the
// form the encoders use: EAN-13 as 13 digits and UPC-A as 12 digits with
// their check digit (computed when the caller gave 12 or 11 digits);
// everything else unchanged. The error text is meant to follow
// "elements[i].data: ".
func NormalizeData(symbology, data string) (string, error) {
	if data == "" {
		return "", errors.New("is required")
	}
	switch symbology {
	case Code128:
		if len(data) > MaxLinearData {
			return "", fmt.Errorf("Code 128 data is %d characters; the limit is %d", len(data), MaxLinearData)
		}
		for i := 0; i < len(data); i++ {
			if data[i] < 0x20 || data[i] > 0x7e {
				r, _ := utf8.DecodeRuneInString(data[i:])
				return "", fmt.Errorf("Code 128 takes printable ASCII only, not %U %q", r, r)
			}
		}
		return data, nil
	case Code39:
		if len(data) > MaxLinearData {
			return "", fmt.Errorf("Code 39 data is %d characters; the limit is %d", len(data), MaxLinearData)
		}
		for _, r := range data {
			if !strings.ContainsRune(code39Chars, r) {
				hint := ""
				if r >= 'a' && r <= 'z' {
					hint = " (use upper case)"
				}
				return "", fmt.Errorf("Code 39 takes 0-9, A-Z, space and - . $ / + %% only, not %q%s", r, hint)
			}
		}
		return data, nil
	case EAN13:
		return checkDigits(data, "EAN-13", 13)
	case UPCA:
		return checkDigits(data, "UPC-A", 12)
	case QR:
		if !utf8.ValidString(data) {
			return "", errors.New("is not valid UTF-8")
		}
		if len(data) > MaxQRData {
			return "", fmt.Errorf("QR data is %d bytes; the limit is %d", len(data), MaxQRData)
		}
		return data, nil
	case DataMatrix:
		if !utf8.ValidString(data) {
			return "", errors.New("is not valid UTF-8")
		}
		if len(data) > MaxDMData {
			return "", fmt.Errorf("Data Matrix data is %d bytes; the limit is %d", len(data), MaxDMData)
		}
		return data, nil
	}
	if out, ok, err := normalizeV2(symbology, data); ok {
		return out, err
	}
	return "", fmt.Errorf("unknown symbology %q", symbology)
}

// checkDigits validates an EAN-13 (n = 13) or UPC-A (n = 12) number given
// with or without its check digit and returns it with the check digit.
func checkDigits(data, name string, n int) (string, error) {
	for _, r := range data {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("%s takes digits only, not %q", name, r)
		}
	}
	switch len(data) {
	case n - 1:
		return data + string(rune('0'+CheckDigit(data))), nil
	case n:
		want := CheckDigit(data[:n-1])
		if got := int(data[n-1] - '0'); got != want {
			return "", fmt.Errorf("%s check digit should be %d, not %d", name, want, got)
		}
		return data, nil
	}
	return "", fmt.Errorf("%s needs %d or %d digits", name, n-1, n)
}

// CheckDigit returns the GS1 mod-10 check digit of digits (EAN/UPC).
func CheckDigit(digits string) int {
	sum := 0
	w := 3
	for i := len(digits) - 1; i >= 0; i-- {
		sum += int(digits[i]-'0') * w
		w = 4 - w
	}
	return (10 - sum%10) % 10
}

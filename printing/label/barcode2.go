package label

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Data limits of the v2 symbologies (bytes).
const (
	MaxPDF417Data = 1000
	MaxAztecData  = 1000
)

const codabarChars = "0123456789-$:/.+"

// normalizeV2 is NormalizeData for the v2 symbologies; ok is false for
// symbologies it does not know.
func normalizeV2(symbology, data string) (out string, ok bool, err error) {
	switch symbology {
	case GS1128, GS1DataMatrix:
		fields, err := ParseGS1(data)
		if err != nil {
			return "", true, err
		}
		if symbology == GS1128 && len(GS1Element(fields, "#")) > 48 {
			return "", true, fmt.Errorf("GS1-128 holds at most 48 characters (FNC1 included); this is %d: use gs1-datamatrix", len(GS1Element(fields, "#")))
		}
		return GS1Text(fields), true, nil
	case EAN8:
		out, err := checkDigits(data, "EAN-8", 8)
		return out, true, err
	case ITF14:
		out, err := checkDigits(data, "ITF-14", 14)
		return out, true, err
	case UPCE:
		out, err := normalizeUPCE(data)
		return out, true, err
	case Codabar:
		out, err := normalizeCodabar(data)
		return out, true, err
	case PDF417, Aztec:
		limit := MaxPDF417Data
		if symbology == Aztec {
			limit = MaxAztecData
		}
		if !utf8.ValidString(data) {
			return "", true, errors.New("is not valid UTF-8")
		}
		if len(data) > limit {
			return "", true, fmt.Errorf("%s data is %d bytes; the limit is %d", symbologyName(symbology), len(data), limit)
		}
		if symbology == PDF417 {
			for _, r := range data {
				if r > 0xff {
					return "", true, fmt.Errorf("PDF417 takes Latin-1 text only, not %U %q (use qr or datamatrix)", r, r)
				}
			}
		}
		return data, true, nil
	}
	return "", false, nil
}

// normalizeUPCE takes 6 digits (number system 0), 7 (number system 0 or 1
// and 6 digits) or 8 (with the check digit, verified) and returns 8 digits.
func normalizeUPCE(data string) (string, error) {
	for _, r := range data {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("UPC-E takes digits only, not %q", r)
		}
	}
	switch len(data) {
	case 6:
		data = "0" + data
	case 7, 8:
	default:
		return "", errors.New("UPC-E needs 6, 7 or 8 digits")
	}
	if data[0] != '0' && data[0] != '1' {
		return "", fmt.Errorf("UPC-E number system must be 0 or 1, not %c", data[0])
	}
	want := CheckDigit(UPCEToUPCA(data[:7]))
	if len(data) == 8 {
		if got := int(data[7] - '0'); got != want {
			return "", fmt.Errorf("UPC-E check digit should be %d, not %d", want, got)
		}
		return data, nil
	}
	return data + string(rune('0'+want)), nil
}

// UPCEToUPCA expands UPC-E (number system and 6 digits, optionally the
// check digit) to the 11 digits of UPC-A (plus the check digit if given).
func UPCEToUPCA(e string) string {
	ns, d := e[:1], e[1:7]
	var body string
	switch d[5] {
	case '0', '1', '2':
		body = d[:2] + d[5:6] + "0000" + d[2:5]
	case '3':
		body = d[:3] + "00000" + d[3:5]
	case '4':
		body = d[:4] + "00000" + d[4:5]
	default:
		body = d[:5] + "0000" + d[5:6]
	}
	return ns + body + e[7:]
}

// normalizeCodabar takes Codabar data with its start and stop characters
// (A–D) or without them (A and B are added).
func normalizeCodabar(data string) (string, error) {
	isSS := func(c byte) bool { return c >= 'A' && c <= 'D' }
	if len(data) >= 2 && isSS(data[0]) && isSS(data[len(data)-1]) {
		for _, r := range data[1 : len(data)-1] {
			if !strings.ContainsRune(codabarChars, r) {
				return "", fmt.Errorf("Codabar takes 0-9 and - $ : / . + between its start and stop characters, not %q", r)
			}
		}
	} else {
		for _, r := range data {
			if !strings.ContainsRune(codabarChars, r) {
				return "", fmt.Errorf("Codabar takes 0-9 and - $ : / . + (start and stop A–D at both ends or neither), not %q", r)
			}
		}
		data = "A" + data + "B"
		return normalizeCodabarLen(data)
	}
	return normalizeCodabarLen(data)
}

func normalizeCodabarLen(full string) (string, error) {
	if len(full) > MaxLinearData {
		return "", fmt.Errorf("Codabar data is %d characters; the limit is %d", len(full), MaxLinearData)
	}
	return full, nil
}

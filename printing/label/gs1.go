package label

import (
	"errors"
	"fmt"
	"strings"
)

// GS1 data for gs1-128 and gs1-datamatrix is written in AI syntax, each
// Application Identifier in parentheses followed by its value:
// "(00)380123451234567890(421)410". Parse checks every AI against the table
// below (length, digits), verifies or adds the check digit of (00), (01),
// (02) and (410)–(417), and the encoders put FNC1 first and after every
// field whose AI does not have a predefined length.

// GS1Field is one AI and its value.
type GS1Field struct {
	AI    string
	Value string
}

// gs1AI describes an AI: fixed value length (0 = variable up to max),
// numeric only, and whether the last digit is a mod-10 check digit.
type gs1AI struct {
	fixed, max int
	numeric    bool
	check      bool
}

// gs1Table holds the AIs warehouses use (GS1 General Specifications §3.2).
// Keys are the AI, or a 3-digit prefix for 4-digit AIs like 3103 (marked
// by gs1Prefix4).
var gs1Table = map[string]gs1AI{
	"00":  {fixed: 18, numeric: true, check: true}, // SSCC
	"01":  {fixed: 14, numeric: true, check: true}, // GTIN
	"02":  {fixed: 14, numeric: true, check: true}, // GTIN of contained items
	"10":  {max: 20},                               // batch/lot
	"11":  {fixed: 6, numeric: true},               // production date
	"12":  {fixed: 6, numeric: true},
	"13":  {fixed: 6, numeric: true}, // packaging date
	"15":  {fixed: 6, numeric: true}, // best before
	"16":  {fixed: 6, numeric: true},
	"17":  {fixed: 6, numeric: true}, // expiry
	"20":  {fixed: 2, numeric: true},
	"21":  {max: 20}, // serial
	"22":  {max: 20},
	"240": {max: 30}, "241": {max: 30}, "250": {max: 30}, "251": {max: 30}, "253": {max: 30},
	"30":  {max: 8, numeric: true}, // count
	"37":  {max: 8, numeric: true},
	"400": {max: 30}, "401": {max: 30}, "402": {fixed: 17, numeric: true, check: true}, "403": {max: 30},
	"410": {fixed: 13, numeric: true, check: true}, "411": {fixed: 13, numeric: true, check: true},
	"412": {fixed: 13, numeric: true, check: true}, "413": {fixed: 13, numeric: true, check: true},
	"414": {fixed: 13, numeric: true, check: true}, "415": {fixed: 13, numeric: true, check: true},
	"416": {fixed: 13, numeric: true, check: true}, "417": {fixed: 13, numeric: true, check: true},
	"420": {max: 20}, "421": {max: 12}, "422": {fixed: 3, numeric: true}, "423": {max: 15, numeric: true},
	"424": {fixed: 3, numeric: true}, "425": {max: 15, numeric: true}, "426": {fixed: 3, numeric: true},
	"7003": {fixed: 10, numeric: true},
	"8004": {max: 30}, "8005": {fixed: 6, numeric: true}, "8020": {max: 25},
	"90": {max: 30}, "91": {max: 90}, "92": {max: 90}, "93": {max: 90}, "94": {max: 90},
	"95": {max: 90}, "96": {max: 90}, "97": {max: 90}, "98": {max: 90}, "99": {max: 90},
}

// gs1Prefix4 are 3-digit prefixes of 4-digit AIs (the last digit is a
// decimal point position): trade measures 310n–369n and amounts 390n–393n.
func gs1Prefix4(ai string) (gs1AI, bool) {
	if len(ai) != 4 {
		return gs1AI{}, false
	}
	p := ai[:3]
	switch {
	case p >= "310" && p <= "369":
		return gs1AI{fixed: 6, numeric: true}, true
	case p == "390" || p == "392":
		return gs1AI{max: 15, numeric: true}, true
	case p == "391" || p == "393":
		return gs1AI{max: 18, numeric: true}, true
	}
	return gs1AI{}, false
}

// gs1Predefined reports whether an AI's field has a predefined length (no
// FNC1 separator after it): the 2-digit prefixes of GS1's table.
func gs1Predefined(ai string) bool {
	switch ai[:2] {
	case "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
		"31", "32", "33", "34", "35", "36", "41":
		return true
	}
	return false
}

// gs1Chars is GS1's character set 82 (what AI values may hold).
const gs1Chars = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`

// MaxGS1Data is the longest GS1 element string (48 characters fit a GS1-128
// symbol; Data Matrix takes more).
const MaxGS1Data = 200

// ParseGS1 parses AI syntax into fields, adding or verifying check digits.
func ParseGS1(data string) ([]GS1Field, error) {
	if !strings.HasPrefix(data, "(") {
		return nil, errors.New(`GS1 data is written in AI syntax, e.g. "(01)09501101530003(10)ABC"`)
	}
	var out []GS1Field
	rest := data
	for rest != "" {
		if rest[0] != '(' {
			return nil, fmt.Errorf("expected \"(\" at %q", clip(rest))
		}
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return nil, fmt.Errorf("unclosed AI at %q", clip(rest))
		}
		ai := rest[1:end]
		rest = rest[end+1:]
		next := strings.IndexByte(rest, '(')
		if next < 0 {
			next = len(rest)
		}
		val := rest[:next]
		rest = rest[next:]
		spec, ok := gs1Table[ai]
		if !ok {
			spec, ok = gs1Prefix4(ai)
		}
		if !ok {
			return nil, fmt.Errorf("unknown or unsupported AI (%s)", clip(ai))
		}
		f, err := checkGS1Value(ai, val, spec)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	n := 0
	for _, f := range out {
		n += len(f.AI) + len(f.Value) + 1
	}
	if n > MaxGS1Data {
		return nil, fmt.Errorf("GS1 data is %d characters; the limit is %d", n, MaxGS1Data)
	}
	return out, nil
}

func checkGS1Value(ai, val string, spec gs1AI) (GS1Field, error) {
	if val == "" {
		return GS1Field{}, fmt.Errorf("(%s) has no value", ai)
	}
	for _, r := range val {
		if !strings.ContainsRune(gs1Chars, r) || (spec.numeric && (r < '0' || r > '9')) {
			if spec.numeric {
				return GS1Field{}, fmt.Errorf("(%s) takes digits only, not %q", ai, r)
			}
			return GS1Field{}, fmt.Errorf("(%s) holds %q, which GS1 does not allow", ai, r)
		}
	}
	switch {
	case spec.check && len(val) == spec.fixed-1:
		val += string(rune('0' + CheckDigit(val)))
	case spec.check && len(val) == spec.fixed:
		if want := CheckDigit(val[:len(val)-1]); int(val[len(val)-1]-'0') != want {
			return GS1Field{}, fmt.Errorf("(%s) check digit should be %d, not %c", ai, want, val[len(val)-1])
		}
	case spec.check:
		return GS1Field{}, fmt.Errorf("(%s) needs %d digits, or %d without the check digit", ai, spec.fixed, spec.fixed-1)
	case spec.fixed > 0 && len(val) != spec.fixed:
		return GS1Field{}, fmt.Errorf("(%s) needs %d characters, not %d", ai, spec.fixed, len(val))
	case spec.max > 0 && len(val) > spec.max:
		return GS1Field{}, fmt.Errorf("(%s) takes at most %d characters, not %d", ai, spec.max, len(val))
	}
	return GS1Field{AI: ai, Value: val}, nil
}

// GS1Text returns fields in AI syntax, "(00)…(421)…" (the human-readable
// line and the normalised data).
func GS1Text(fields []GS1Field) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString("(" + f.AI + ")" + f.Value)
	}
	return b.String()
}

// GS1Element returns fields as an element string for a symbol: fnc1 first,
// then each AI and value, with fnc1 after every field of variable length
// that is not the last.
func GS1Element(fields []GS1Field, fnc1 string) string {
	var b strings.Builder
	b.WriteString(fnc1)
	for i, f := range fields {
		b.WriteString(f.AI)
		b.WriteString(f.Value)
		if i < len(fields)-1 && !gs1Predefined(f.AI) {
			b.WriteString(fnc1)
		}
	}
	return b.String()
}

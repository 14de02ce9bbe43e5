package wsserver

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// rawText is raw.data: printer commands sent as a JSON string. JSON
// decoding silently turns bytes that are not UTF-8 into U+FFFD, which would
// print something other than what was sent; so the message's own bytes are
// checked first (an escaped "\ufffd" is a real U+FFFD and fine).
type rawText string

// UnmarshalJSON refuses a string whose bytes are not valid UTF-8.
func (t *rawText) UnmarshalJSON(b []byte) error {
	if !utf8.Valid(b) {
		at := 0
		for at < len(b) {
			r, n := utf8.DecodeRune(b[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return fmt.Errorf("raw.data: not valid UTF-8 at byte %d of the JSON string: JSON text cannot carry these bytes, send them as raw.base64", max(at-1, 0))
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = rawText(s)
	return nil
}

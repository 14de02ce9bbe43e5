package wire

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/labelbridge/labelbridge/internal/strictjson"
)

// Raw is print's raw printer commands: Data (text) or Base64 (bytes).
type Raw struct {
	Language string  `json:"language,omitempty"` // zpl, tspl, epl, escpos, …
	Data     *string `json:"data,omitempty"`     // must be valid UTF-8: other bytes go in Base64
	Base64   *string `json:"base64,omitempty"`
}

// UnmarshalJSON decodes strictly and refuses a data string whose bytes are
// not UTF-8. JSON decoding silently turns such bytes into U+FFFD, which
// would print something other than what was sent; so the message's own
// bytes are checked (an escaped "\ufffd" is a real U+FFFD and fine).
func (r *Raw) UnmarshalJSON(b []byte) error {
	var in struct {
		Language string    `json:"language"`
		Data     *utf8Text `json:"data"`
		Base64   *string   `json:"base64"`
	}
	if err := strictjson.Decode(b, &in); err != nil {
		return err
	}
	*r = Raw{Language: in.Language, Base64: in.Base64}
	if in.Data != nil {
		s := string(*in.Data)
		r.Data = &s
	}
	return nil
}

// utf8Text is a JSON string whose bytes must be valid UTF-8.
type utf8Text string

func (t *utf8Text) UnmarshalJSON(b []byte) error {
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
	*t = utf8Text(s)
	return nil
}

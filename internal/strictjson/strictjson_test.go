package strictjson

import (
	"encoding/json"
	"errors"
	"io"
	"testing"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	type inner struct {
		N int `json:"n"`
	}
	type target struct {
		A     string `json:"a"`
		Inner inner  `json:"inner"`
	}
	cases := []struct {
		name  string
		in    string
		check func(error) bool
	}{
		{"ok", `{"a":"x","inner":{"n":1}}`, func(err error) bool { return err == nil }},
		{"ok with space after", "{\"a\":\"x\"}\n\t ", func(err error) bool { return err == nil }},
		{"unknown field", `{"a":"x","colour":1}`, func(err error) bool {
			var u *UnknownFieldError
			return errors.As(err, &u) && u.Field == "colour" && err.Error() == `unknown field "colour"`
		}},
		{"unknown nested field", `{"inner":{"m":1}}`, func(err error) bool {
			var u *UnknownFieldError
			return errors.As(err, &u) && u.Field == "m"
		}},
		{"trailing object", `{"a":"x"}{"a":"y"}`, func(err error) bool { return errors.Is(err, ErrTrailingData) }},
		{"trailing garbage", `{"a":"x"} x`, func(err error) bool { return errors.Is(err, ErrTrailingData) }},
		{"wrong type names the field", `{"inner":{"n":"1"}}`, func(err error) bool {
			var te *json.UnmarshalTypeError
			return errors.As(err, &te) && te.Field == "inner.n"
		}},
		{"syntax", `{"a":}`, func(err error) bool {
			var se *json.SyntaxError
			return errors.As(err, &se)
		}},
		{"cut short", `{"a":"x"`, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"empty", ``, func(err error) bool { return errors.Is(err, io.EOF) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var v target
			if err := Decode([]byte(c.in), &v); !c.check(err) {
				t.Fatalf("Decode(%q) = %v (%T)", c.in, err, err)
			}
		})
	}
}

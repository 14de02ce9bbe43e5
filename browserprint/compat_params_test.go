package browserprint

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

// browserPrint.set's params are decoded strictly, like every method's:
// data after the object used to be ignored.
func TestCompatSetParams(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		params string
		want   string // part of the error; "" = accepted
	}{
		{`{"enabled":true}`, ""},
		{`{"enabled":false,"port":9101}`, ""},
		{`{"enabled":true} {"enabled":false}`, "unexpected data after the object"},
		{`{"enabled":true,"colour":1}`, `unknown field "colour"`},
		{`{"enabled":"yes"}`, "enabled: must be true or false"},
		{`{"port":9100}`, `want {"enabled": true|false`},
		{``, `want {"enabled": true|false`},
	} {
		p, err := decodeCompatSet(json.RawMessage(c.params))
		if c.want == "" {
			if err != nil || p.Enabled == nil {
				t.Errorf("%s: %v", c.params, err)
			}
			continue
		}
		if err == nil || printing.ReasonOf(err, "") != "invalid_params" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want invalid_params containing %q", c.params, err, c.want)
		}
	}
}

package label

import (
	"strings"
	"testing"
)

// The media's label size (labelWidth, labelHeight) is a printer setting
// only: a label has its own width and height, and refuses those fields.
func TestLabelRefusesPrinterLabelSize(t *testing.T) {
	t.Parallel()
	for _, field := range []string{`"labelWidth":4`, `"labelHeight":6`} {
		_, err := Parse([]byte(`{"width":40,"height":20,` + field + `,"elements":[]}`))
		name := strings.Split(strings.Trim(field, `"`), `"`)[0]
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "unknown") {
			t.Errorf("label with %s: %v; want an unknown field error naming it", field, err)
		}
	}
}

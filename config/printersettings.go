package config

import (
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/labelbridge/labelbridge/printing/media"
)

// PrinterSettings are per-printer print and media settings by printer id
// (the "printerSettings" key: {"usb:0a5f:…": {"darkness": 20, "media":
// "gap", "gap": 3, "labelWidth": 4, "labelHeight": 6, "unit": "in", …}},
// lengths in mm except the label size, in its unit). Labels may override
// them, except the label size: documents without a size print at it.
type PrinterSettings = map[string]media.Settings

// validatePrinterSettings checks every printer's settings, naming the key
// of the first bad value (printerSettings["id"].darkness).
func validatePrinterSettings(all PrinterSettings) error {
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		key := "printerSettings[" + strconv.Quote(id) + "]"
		if id == "" || len(id) > 256 {
			return fmt.Errorf("%s: a printer id is 1 to 256 characters", key)
		}
		if err := all[id].Validate(key + "."); err != nil {
			var fe *media.FieldError
			if errors.As(err, &fe) {
				return fmt.Errorf("%s: %s", fe.Field, fe.Msg)
			}
			return err
		}
	}
	return nil
}

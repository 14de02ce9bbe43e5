package media

import "fmt"

// CalibrateCommand returns the command that makes a printer of language
// measure its media (label length and gap or mark): ZPL ~JC, TSPL
// GAPDETECT (BLINEDETECT for black-mark media), EPL xa. ESC/POS receipt
// printers have no media to calibrate.
func CalibrateCommand(language, mediaType string) ([]byte, error) {
	switch language {
	case "zpl":
		return []byte("~JC\n"), nil
	case "tspl":
		if mediaType == Mark {
			return []byte("BLINEDETECT\r\n"), nil
		}
		return []byte("GAPDETECT\r\n"), nil
	case "epl":
		// A leading newline ends any half-sent command.
		return []byte("\nxa\n"), nil
	case "escpos":
		return nil, fmt.Errorf("ESC/POS printers have no media calibration command (receipt paper is continuous)")
	}
	return nil, fmt.Errorf("calibration is not known for printer language %q (want zpl, tspl or epl)", language)
}

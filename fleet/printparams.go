package fleet

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// PrintParamsFromFiles builds `labelbridge fleet print`'s params from
// exactly one file flag: a label (JSON), raw commands in lang, or a
// document whose params document checks (the CLI's document flags), so a
// bad file never reaches the broker.
func PrintParamsFromFiles(labelFile, rawFile, docFile, lang string, document func(name string, data []byte) (json.RawMessage, error)) (map[string]any, error) {
	n := 0
	for _, f := range []string{labelFile, rawFile, docFile} {
		if f != "" {
			n++
		}
	}
	if n != 1 {
		return nil, errors.New("fleet print: give exactly one of --label, --raw or --document")
	}
	switch {
	case labelFile != "":
		data, err := os.ReadFile(labelFile)
		if err != nil {
			return nil, err
		}
		if !json.Valid(data) {
			return nil, fmt.Errorf("--label %s: not JSON", labelFile)
		}
		return map[string]any{"label": json.RawMessage(data), "title": filepath.Base(labelFile)}, nil
	case rawFile != "":
		data, err := os.ReadFile(rawFile)
		if err != nil {
			return nil, err
		}
		raw := map[string]any{"base64": base64.StdEncoding.EncodeToString(data)}
		if lang != "" {
			raw["language"] = lang
		}
		return map[string]any{"raw": raw, "title": filepath.Base(rawFile)}, nil
	}
	data, err := os.ReadFile(docFile)
	if err != nil {
		return nil, err
	}
	// The format is read from the bytes and the params checked here, as
	// labelbridge print --document does, so a bad file never reaches the
	// broker.
	doc, err := document("--document "+docFile, data)
	if err != nil {
		return nil, err
	}
	return map[string]any{"document": doc, "title": filepath.Base(docFile)}, nil
}

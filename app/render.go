package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing/compile"
	"github.com/labelbridge/labelbridge/printing/document"
	"github.com/labelbridge/labelbridge/printing/encode"
	"github.com/labelbridge/labelbridge/printing/label"
)

// fontPaths are the font files from the config (if it loads), for tools
// that run no agent.
func fontPaths() []string {
	if cfg, err := loadConfig(0); err == nil {
		return cfg.Fonts
	}
	return nil
}

func runRender(args []string) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	lang := fs.String("lang", "", "printer language: "+strings.Join(config.Languages, ", "))
	dpi := fs.Int("dpi", 0, "printer resolution (default: the label's dpi)")
	out := fs.String("o", "", "output file (default: stdout)")
	raster := fs.Bool("raster", false, "send the whole label as one bitmap")
	docFlags := addDocumentFlags(fs)
	copies := fs.Int("copies", 1, "copies of a document")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("render: give one LABEL.json or document (PDF, PNG, JPEG)")
	}
	if !isLanguage(*lang) {
		return fmt.Errorf("render: --lang must be one of %s", strings.Join(config.Languages, ", "))
	}
	d, data, ok, err := readDocument(pos[0], docFlags)
	if err != nil || ok {
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		data, err := document.Encode(context.Background(), d, *lang, cmp.Or(*dpi, compile.DefaultDocumentDPI), *copies)
		if err != nil {
			return fmt.Errorf("render %s: %w", pos[0], err)
		}
		return writeOutput(*out, data)
	}
	l, err := parseLabel(pos[0], data)
	if err != nil {
		return err
	}
	data, err = encode.Label(context.Background(), l, *lang, encode.Options{DPI: *dpi, Raster: *raster, FontPaths: fontPaths()})
	if err != nil {
		return fmt.Errorf("render %s: %w", pos[0], err)
	}
	return writeOutput(*out, data)
}

func runPreview(args []string) error {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	out := fs.String("o", "", "output PNG file (required)")
	dpi := fs.Int("dpi", 0, "resolution (default: the label's dpi, 203 for a document)")
	docFlags := addDocumentFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return fmt.Errorf("preview: usage: labelbridge preview LABEL.json|DOCUMENT -o OUT.png")
	}
	d, data, ok, err := readDocument(pos[0], docFlags)
	if err != nil || ok {
		if err != nil {
			return fmt.Errorf("preview: %w", err)
		}
		png, _, err := document.Preview(context.Background(), d, cmp.Or(*dpi, compile.DefaultDocumentDPI))
		if err != nil {
			return fmt.Errorf("preview %s: %w", pos[0], err)
		}
		return writeOutput(*out, png)
	}
	l, err := parseLabel(pos[0], data)
	if err != nil {
		return err
	}
	png, err := encode.Preview(context.Background(), l, encode.Options{DPI: *dpi, FontPaths: fontPaths()})
	if err != nil {
		return fmt.Errorf("preview %s: %w", pos[0], err)
	}
	return writeOutput(*out, png)
}

// readDocument reads name and, when it is a PDF, PNG or JPEG, returns it
// as checked document params (ok false: a label file).
// Either way it returns the file's bytes.
func readDocument(name string, f *documentFlags) (*document.Params, []byte, bool, error) {
	data, err := readInput(name)
	if err != nil {
		return nil, nil, false, err
	}
	if !isDocumentFile(data) {
		return nil, data, false, nil
	}
	raw, err := f.params(name, data)
	if err != nil {
		return nil, data, true, err
	}
	d, err := document.Parse(raw)
	return d, data, true, err
}

func parseLabel(name string, data []byte) (*label.Label, error) {
	l, err := label.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return l, nil
}

func writeOutput(name string, data []byte) error {
	if name == "" || name == "-" {
		_, err := os.Stdout.Write(data)
		return err
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/labelbridge/labelbridge/config"
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
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("render: give one LABEL.json")
	}
	if !isLanguage(*lang) {
		return fmt.Errorf("render: --lang must be one of %s", strings.Join(config.Languages, ", "))
	}
	l, err := readLabel(pos[0])
	if err != nil {
		return err
	}
	data, err := encode.Label(context.Background(), l, *lang, encode.Options{DPI: *dpi, Raster: *raster, FontPaths: fontPaths()})
	if err != nil {
		return fmt.Errorf("render %s: %w", pos[0], err)
	}
	return writeOutput(*out, data)
}

func runPreview(args []string) error {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	out := fs.String("o", "", "output PNG file (required)")
	dpi := fs.Int("dpi", 0, "resolution (default: the label's dpi)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return fmt.Errorf("preview: usage: labelbridge preview LABEL.json -o OUT.png")
	}
	l, err := readLabel(pos[0])
	if err != nil {
		return err
	}
	png, err := encode.Preview(context.Background(), l, encode.Options{DPI: *dpi, FontPaths: fontPaths()})
	if err != nil {
		return fmt.Errorf("preview %s: %w", pos[0], err)
	}
	return writeOutput(*out, png)
}

func readLabel(name string) (*label.Label, error) {
	data, err := readInput(name)
	if err != nil {
		return nil, err
	}
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

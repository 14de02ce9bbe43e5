// Image headers: base64 PNG/JPEG data checked against the size limits
// without decoding pixels.

package label

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"strings"
)

// imageHeader decodes base64 PNG/JPEG data (an optional data: URL prefix is
// allowed) and reads the image's header, refusing images over the size
// limits; it decodes no pixels.
func imageHeader(data string) ([]byte, image.Config, error) {
	s := strings.TrimSpace(data)
	if strings.HasPrefix(s, "data:") {
		comma := strings.IndexByte(s, ',')
		if comma < 0 || !strings.Contains(s[:comma], ";base64") {
			return nil, image.Config{}, invalid("", "data URL must be base64 (data:image/png;base64,…)")
		}
		s = s[comma+1:]
	}
	if base64.StdEncoding.DecodedLen(len(s)) > MaxImageBytes {
		return nil, image.Config{}, invalid("", "image is larger than %d MB", MaxImageBytes>>20)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			return nil, image.Config{}, invalid("", "is not valid base64")
		}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, image.Config{}, invalid("", "is not a PNG or JPEG image")
	}
	if format != "png" && format != "jpeg" {
		return nil, image.Config{}, invalid("", "image format %s is not supported (use PNG or JPEG)", format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide ||
		cfg.Width*cfg.Height > MaxImagePix {
		return nil, image.Config{}, invalid("", "image is %d×%d pixels; the limit is %d pixels and %d per side",
			cfg.Width, cfg.Height, MaxImagePix, MaxImageSide)
	}
	if n := int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel); n > MaxImageDecodedBytes {
		return nil, image.Config{}, invalid("", "image is %d×%d pixels of %d bytes each (%d MB decoded); the limit is %d MB: use fewer pixels or 8-bit colour",
			cfg.Width, cfg.Height, bytesPerPixel(cfg.ColorModel), n>>20, MaxImageDecodedBytes>>20)
	}
	return raw, cfg, nil
}

// bytesPerPixel is the memory one pixel takes once decoded in model.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4 // RGBA, NRGBA, CMYK, YCbCr (at most)
}

package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"

	"github.com/tc-hib/winres"
)

// The application icon: a white shipping label with a barcode on a blue
// rounded square. It is drawn here so the installers never depend on a
// binary file; -from replaces it with a designer's square PNG.

const masterSize = 1024

// iconSizes are the PNG sizes written next to the .ico/.icns (hicolor theme).
var iconSizes = []int{16, 32, 48, 64, 128, 256, 512}

// drawIcon draws the icon at masterSize.
func drawIcon() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, masterSize, masterSize))
	blue := color.NRGBA{0x1d, 0x4e, 0xd8, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	ink := color.NRGBA{0x11, 0x18, 0x27, 0xff}
	grey := color.NRGBA{0x94, 0xa3, 0xb8, 0xff}
	fillRounded(img, image.Rect(40, 40, 984, 984), 190, blue)
	fillRounded(img, image.Rect(190, 250, 834, 774), 48, white)
	// barcode: bar widths in units of 12 px
	x := 260
	for i, w := range []int{2, 1, 1, 3, 1, 2, 2, 1, 1, 1, 3, 2, 1, 2, 1, 1, 3, 1, 2, 1, 1, 2} {
		width := w * 12
		if i%2 == 0 {
			fillRect(img, image.Rect(x, 320, x+width, 560), ink)
		}
		x += width
	}
	// two text lines under the barcode
	fillRounded(img, image.Rect(260, 610, 700, 650), 20, grey)
	fillRounded(img, image.Rect(260, 680, 560, 720), 20, grey)
	return img
}

func fillRect(img *image.NRGBA, r image.Rectangle, c color.NRGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetNRGBA(x, y, c)
		}
	}
}

// fillRounded fills r with corners of radius rad (hard edges; the
// downscaling box filter antialiases them).
func fillRounded(img *image.NRGBA, r image.Rectangle, rad int, c color.NRGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cx, cy := x, y
			switch {
			case x < r.Min.X+rad:
				cx = r.Min.X + rad
			case x >= r.Max.X-rad:
				cx = r.Max.X - rad - 1
			}
			switch {
			case y < r.Min.Y+rad:
				cy = r.Min.Y + rad
			case y >= r.Max.Y-rad:
				cy = r.Max.Y - rad - 1
			}
			dx, dy := x-cx, y-cy
			if dx*dx+dy*dy <= rad*rad {
				img.SetNRGBA(x, y, c)
			}
		}
	}
}

// scaleDown resizes a square image to size×size with a box filter over
// premultiplied colour, which antialiases hard edges cleanly.
func scaleDown(src image.Image, size int) *image.NRGBA {
	b := src.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	n := b.Dx()
	for y := 0; y < size; y++ {
		y0, y1 := y*n/size, (y+1)*n/size
		for x := 0; x < size; x++ {
			x0, x1 := x*n/size, (x+1)*n/size
			var r, g, bl, a, cnt uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb, ca := src.At(b.Min.X+sx, b.Min.Y+sy).RGBA() // premultiplied
					r, g, bl, a = r+uint64(cr), g+uint64(cg), bl+uint64(cb), a+uint64(ca)
					cnt++
				}
			}
			if cnt == 0 || a == 0 {
				continue
			}
			// un-premultiply into 8-bit NRGBA
			dst.SetNRGBA(x, y, color.NRGBA{
				R: uint8(r * 0xff / a), G: uint8(g * 0xff / a), B: uint8(bl * 0xff / a),
				A: uint8(a / cnt >> 8),
			})
		}
	}
	return dst
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// icnsTypes maps sizes to the PNG-based ICNS element types.
var icnsTypes = []struct {
	typ  string
	size int
}{{"icp4", 16}, {"icp5", 32}, {"icp6", 64}, {"ic07", 128}, {"ic08", 256}, {"ic09", 512}, {"ic10", 1024}}

// makeICNS builds a macOS .icns from PNG elements (supported since 10.7).
func makeICNS(master image.Image) ([]byte, error) {
	var body bytes.Buffer
	for _, t := range icnsTypes {
		img := image.Image(master)
		if t.size != master.Bounds().Dx() {
			img = scaleDown(master, t.size)
		}
		data, err := encodePNG(img)
		if err != nil {
			return nil, err
		}
		body.WriteString(t.typ)
		_ = binary.Write(&body, binary.BigEndian, uint32(8+len(data)))
		body.Write(data)
	}
	var out bytes.Buffer
	out.WriteString("icns")
	_ = binary.Write(&out, binary.BigEndian, uint32(8+body.Len()))
	out.Write(body.Bytes())
	return out.Bytes(), nil
}

// makeICO builds a Windows .ico with 256, 64, 48, 32, 24 and 16 px images.
func makeICO(master image.Image) ([]byte, error) {
	var imgs []image.Image
	for _, s := range []int{256, 64, 48, 32, 24, 16} {
		imgs = append(imgs, scaleDown(master, s))
	}
	icon, err := winres.NewIconFromImages(imgs)
	if err != nil {
		return nil, fmt.Errorf("make icon: %w", err)
	}
	var buf bytes.Buffer
	if err := icon.SaveICO(&buf); err != nil {
		return nil, fmt.Errorf("write icon: %w", err)
	}
	return buf.Bytes(), nil
}

// loadMaster reads a square PNG (at least 256 px) or draws the built-in icon.
func loadMaster(from string) (image.Image, error) {
	if from == "" {
		return drawIcon(), nil
	}
	f, err := os.Open(from)
	if err != nil {
		return nil, fmt.Errorf("icon source: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("icon source %s: %w", from, err)
	}
	if b := img.Bounds(); b.Dx() != b.Dy() || b.Dx() < 256 {
		return nil, fmt.Errorf("icon source %s is %dx%d: want a square PNG of at least 256 px", from, b.Dx(), b.Dy())
	}
	return img, nil
}

func runIcon(args []string) error {
	fs := flag.NewFlagSet("icon", flag.ContinueOnError)
	out := fs.String("o", "", "output folder")
	from := fs.String("from", "", "square PNG to use instead of the built-in drawing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("icon: want -o DIR and no arguments")
	}
	master, err := loadMaster(*from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("icon: %w", err)
	}
	files := map[string][]byte{}
	for _, s := range iconSizes {
		data, err := encodePNG(scaleDown(master, s))
		if err != nil {
			return err
		}
		files[fmt.Sprintf("labelbridge-%d.png", s)] = data
		if s == 256 {
			files["labelbridge.png"] = data
		}
	}
	if files["labelbridge.ico"], err = makeICO(master); err != nil {
		return err
	}
	if files["labelbridge.icns"], err = makeICNS(master); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			return fmt.Errorf("icon: %w", err)
		}
	}
	return nil
}

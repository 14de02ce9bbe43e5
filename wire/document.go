package wire

// Document is print's and labels.preview's "document": a PDF, PNG or JPEG
// printed one label per page (docs/documents.md). Params carry it as raw
// JSON, checked by printing/document; this is its shape for Go clients
// (the CLI) and for the SDK check.
type Document struct {
	Format    string  `json:"format"`              // DocumentFormats
	Base64    string  `json:"base64"`              // the file
	Pages     string  `json:"pages,omitempty"`     // "1-3,5", "2-"; default every page
	Fit       string  `json:"fit,omitempty"`       // DocumentFits; default contain
	Rotate    any     `json:"rotate,omitempty"`    // "auto" (default) or 0, 90, 180, 270
	Crop      string  `json:"crop,omitempty"`      // DocumentCrops; default none
	Dither    string  `json:"dither,omitempty"`    // DocumentDithers; default threshold
	Threshold *int    `json:"threshold,omitempty"` // 0–255, default 128
	Width     float64 `json:"width,omitempty"`     // the label size; default the page's own
	Height    float64 `json:"height,omitempty"`
	Unit      string  `json:"unit,omitempty"` // mm (default), in, dot
}

// The values of a Document's fields (the SDK's DocumentFormat, DocumentFit,
// DocumentCrop and DocumentDither types name exactly these).
func DocumentFormats() []string { return sorted("pdf", "png", "jpeg") }
func DocumentFits() []string    { return sorted("contain", "cover", "actual") }
func DocumentCrops() []string   { return sorted("none", "content") }
func DocumentDithers() []string { return sorted("floyd-steinberg", "threshold", "ordered") }

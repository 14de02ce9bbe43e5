package printing

import (
	"context"
	"encoding/json"
	"errors"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrReasonTemplateNotFound: templates.delete or print {template} named a
// design the calling origin has not saved.
const ErrReasonTemplateNotFound = "template_not_found"

// Template limits, per origin.
const (
	MaxTemplateBytes     = 2 << 20  // one design's JSON
	MaxTemplates         = 200      // designs per origin
	MaxTemplateBytesEach = 32 << 20 // all of one origin's designs together
	MaxTemplateName      = 128      // characters
)

// Template is a saved label design (templates.save): its name, its size and
// when it was saved. The label itself is read with the store's Template.
type Template struct {
	Name      string    `json:"name"`
	Bytes     int       `json:"bytes"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// TemplateLimits bound one origin's designs (the store checks them in the
// same transaction that saves).
type TemplateLimits struct {
	Count int
	Bytes int
}

// TemplateStore is implemented by stores that keep label designs per origin
// (package store does), durably like jobs.
type TemplateStore interface {
	// SaveTemplate stores or replaces origin's design name; it fails with an
	// *Error (too_complex) when the origin's designs would exceed lim.
	SaveTemplate(ctx context.Context, origin, name string, label []byte, lim TemplateLimits) (Template, error)
	// Template returns origin's design name, or an error wrapping ErrNotFound.
	Template(origin, name string) (Template, []byte, error)
	Templates(origin string) ([]Template, error)
	// DeleteTemplate reports whether there was such a design.
	DeleteTemplate(ctx context.Context, origin, name string) (bool, error)
}

// TemplateChecker is implemented by label compilers that can check a
// design before it is saved (placeholders allowed).
type TemplateChecker interface {
	CheckTemplate(label json.RawMessage) error
}

func (s *Spooler) templates() (TemplateStore, error) {
	ts, ok := s.store.(TemplateStore)
	if !ok {
		return nil, errorf(ErrReasonUnavailable, "this agent's store keeps no templates")
	}
	return ts, nil
}

func checkTemplateName(name string) error {
	if name == "" {
		return errorf(ErrReasonInvalidParams, "name: required")
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxTemplateName {
		return errorf(ErrReasonInvalidParams, "name: at most %d characters of UTF-8", MaxTemplateName)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return errorf(ErrReasonInvalidParams, "name: must not hold control characters")
		}
	}
	return nil
}

// SaveTemplate durably saves (or replaces) origin's label design name; it
// returns once the design is on disk. The design is checked as a label
// whose text and data may hold {{placeholders}}.
func (s *Spooler) SaveTemplate(ctx context.Context, origin, name string, label json.RawMessage) (Template, error) {
	if err := checkTemplateName(name); err != nil {
		return Template{}, err
	}
	if len(label) == 0 || string(label) == "null" {
		return Template{}, errorf(ErrReasonInvalidParams, "label: required")
	}
	if len(label) > MaxTemplateBytes {
		return Template{}, errorf(ErrReasonPayloadTooLarge, "label: the design is %d bytes; a template holds at most %d", len(label), MaxTemplateBytes)
	}
	if c, ok := s.compiler.(TemplateChecker); ok {
		if err := c.CheckTemplate(label); err != nil {
			return Template{}, err
		}
	}
	ts, err := s.templates()
	if err != nil {
		return Template{}, err
	}
	t, err := ts.SaveTemplate(ctx, origin, name, label, TemplateLimits{Count: MaxTemplates, Bytes: MaxTemplateBytesEach})
	if err != nil {
		if ReasonOf(err, "") != "" {
			return Template{}, err
		}
		return Template{}, &Error{Code: ErrReasonStoreFailed, Msg: "save template " + name, Err: err}
	}
	return t, nil
}

// Templates lists origin's designs by name.
func (s *Spooler) Templates(origin string) ([]Template, error) {
	ts, err := s.templates()
	if err != nil {
		return nil, err
	}
	list, err := ts.Templates(origin)
	if err != nil {
		return nil, &Error{Code: ErrReasonStoreFailed, Msg: "list templates", Err: err}
	}
	if list == nil {
		list = []Template{}
	}
	return list, nil
}

// DeleteTemplate durably deletes origin's design name.
func (s *Spooler) DeleteTemplate(ctx context.Context, origin, name string) error {
	if err := checkTemplateName(name); err != nil {
		return err
	}
	ts, err := s.templates()
	if err != nil {
		return err
	}
	found, err := ts.DeleteTemplate(ctx, origin, name)
	if err != nil {
		return &Error{Code: ErrReasonStoreFailed, Msg: "delete template " + name, Err: err}
	}
	if !found {
		return errorf(ErrReasonTemplateNotFound, "template %q not found (templates are kept per site)", name)
	}
	return nil
}

// templateLabel returns origin's saved design name.
func (s *Spooler) templateLabel(origin, name string) (json.RawMessage, error) {
	if err := checkTemplateName(name); err != nil {
		return nil, err
	}
	ts, err := s.templates()
	if err != nil {
		return nil, err
	}
	_, label, err := ts.Template(origin, name)
	if errors.Is(err, ErrNotFound) {
		return nil, errorf(ErrReasonTemplateNotFound, "template %q not found (templates are kept per site: save it with templates.save first)", name)
	}
	if err != nil {
		return nil, &Error{Code: ErrReasonStoreFailed, Msg: "read template " + name, Err: err}
	}
	return label, nil
}

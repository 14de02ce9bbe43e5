// POST /write: the print data read from a JSON or multipart (sendFile) body,
// spooled as one job, and spooler errors turned into Browser Print's HTTP failures.

package browserprint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// writeBody is what /write and /read receive.
type writeBody struct {
	Device *Device          `json:"device"`
	Data   *string          `json:"data"`
	URL    *string          `json:"url"`
	Opts   *json.RawMessage `json:"options"`
}

// write submits the data as a raw job (once it is durably stored the page
// gets 200 and an empty body) and queues the answers to any status queries
// in it for /read. Data that is only queries prints nothing.
func (h *Handler) write(w http.ResponseWriter, r *http.Request, origin string) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if body.URL != nil {
		return fail(http.StatusNotImplemented, "sendUrl is not supported by Labelbridge: fetch the file in the page and send its contents with send()")
	}
	if body.Data == nil {
		return fail(http.StatusBadRequest, "data: missing (the printer commands to send)")
	}
	if *body.Data == "" {
		return fail(http.StatusBadRequest, "data: empty")
	}
	p, err := h.resolve(body.Device)
	if err != nil {
		return err
	}
	answers, onlyQueries := Queries(*body.Data, p, h.opt.Version)
	if !onlyQueries {
		lang := ""
		if looksLikeZPL(*body.Data) {
			lang = "zpl"
		}
		res, err := spool(r.Context(), h.sp, printing.Request{
			Printer: p.ID, Origin: origin, Title: "Browser Print", Raw: []byte(*body.Data), Language: lang,
		})
		if err != nil {
			return err
		}
		h.log.Debug("Browser Print: job stored", "origin", origin, "printer", p.ID, "job", res.Job.ID, "bytes", len(*body.Data))
	}
	if len(answers) > 0 {
		h.queueReply(origin, p.ID, answers)
	}
	writeText(w, http.StatusOK, "")
	return nil
}

func spool(ctx context.Context, sp Spooler, req printing.Request) (printing.SubmitResult, error) {
	select {
	case res := <-sp.Submit(req):
		if res.Err != nil {
			return res, submitFailure(res.Err)
		}
		return res, nil
	case <-ctx.Done():
		return printing.SubmitResult{}, fail(http.StatusServiceUnavailable, "the request ended before the job was stored: %v", ctx.Err())
	}
}

func submitFailure(err error) *failure {
	status := map[string]int{
		wire.ReasonPrinterNotFound:  http.StatusNotFound,
		wire.ReasonInvalidParams:    http.StatusBadRequest,
		wire.ReasonPayloadTooLarge:  http.StatusRequestEntityTooLarge,
		wire.ReasonQueueFull:        http.StatusServiceUnavailable,
		wire.ReasonUnavailable:      http.StatusServiceUnavailable,
		wire.ReasonLanguageMismatch: http.StatusUnprocessableEntity,
	}[printing.ReasonOf(err, "")]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return fail(status, "%v", err)
}

// readBody decodes a /write or /read body: JSON (Zebra's SDK sends it as
// text/plain, so the type is not checked) or multipart from sendFile
// (json={"device":…} plus the file in blob). The edge has read it within
// BodyTimeout and MaxBodyBytes (408 and 413 otherwise).
func readBody(r *http.Request) (writeBody, error) {
	var b writeBody
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		return b, readMultipart(multipart.NewReader(r.Body, params["boundary"]), &b)
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return b, fail(http.StatusBadRequest, "read body: %v", err)
	}
	return b, parseBody(data, &b)
}

// parseBody decodes a JSON /write or /read body, explaining what is wrong.
// Unlike JSON-RPC params (wire.DecodeParams) it is not strict: this is
// Zebra's protocol, and a field some wrapper adds that Labelbridge has no
// use for must not break a page written for Zebra's app.
func parseBody(data []byte, b *writeBody) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(http.StatusBadRequest, `empty body: send {"device": {…}, "data": "…"}`)
	}
	if err := json.Unmarshal(data, b); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fail(http.StatusBadRequest, "body: %s must be %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return fail(http.StatusBadRequest, "body is not JSON: %v", err)
	}
	return nil
}

func readMultipart(mr *multipart.Reader, b *writeBody) error {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(http.StatusBadRequest, "multipart body: %v", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return fail(http.StatusBadRequest, "multipart body: %v", err)
		}
		switch part.FormName() {
		case "json":
			var meta writeBody
			if err := parseBody(data, &meta); err != nil {
				return err
			}
			b.Device = meta.Device
		case "blob":
			s := string(data)
			b.Data = &s
		}
	}
	if b.Data == nil {
		return fail(http.StatusBadRequest, "multipart body: the file part \"blob\" is missing")
	}
	return nil
}

func looksLikeZPL(s string) bool {
	return strings.Contains(strings.ToUpper(s), "^XA")
}

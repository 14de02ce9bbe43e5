package printing

import (
	"context"
	"encoding/json"
)

// DocumentCompiler turns a document (a PDF, PNG or JPEG: the params of
// printing/document) into the printer's language, one label per page. The
// app's label engine (the spooler's LabelCompiler) implements it too; a
// build whose compiler does not refuses documents with invalid_params.
// The Compiled's Source is what the job is stored with to redo its
// preview.
type DocumentCompiler interface {
	CompileDocument(ctx context.Context, document json.RawMessage, p Printer, copies int) (Compiled, error)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

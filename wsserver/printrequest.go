package wsserver

import (
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// PrintRequest checks print params and turns them into the spooler's
// request for origin, exactly as /ws does: other front ends that take the
// same params (the fleet connector) use it, so a print means the same
// thing whichever way it arrives.
func PrintRequest(p *wire.PrintParams, origin string) (printing.Request, error) {
	return toRequest(p, origin)
}

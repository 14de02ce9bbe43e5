package printing

import (
	"errors"
	"fmt"
)

// Error reasons the core returns (the public "data.reason" field on the wire).
const (
	ErrReasonPrinterNotFound = "printer_not_found"
	ErrReasonJobNotFound     = "job_not_found"
	ErrReasonQueueFull       = "queue_full"
	ErrReasonInvalidParams   = "invalid_params"
	ErrReasonPayloadTooLarge = "payload_too_large"
	ErrReasonInvalidState    = "invalid_state"
	ErrReasonNotAllowed      = "not_allowed"
	ErrReasonUnavailable     = "unavailable"
	ErrReasonStoreFailed     = "store_failed"
	// ErrReasonLanguageMismatch: raw data in one printer language sent to a
	// printer that speaks another.
	ErrReasonLanguageMismatch = "language_mismatch"
	// ErrReasonTooComplex: a request is within the size limits but would
	// cost more work (dots drawn, decoded pixels, batch entries) than its
	// budget allows; the message names what was too big.
	ErrReasonTooComplex = "too_complex"
)

// Error is an error with a machine-readable reason for API callers.
type Error struct {
	Code string // snake_case reason
	Msg  string
	Err  error // optional cause
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// Reason returns the machine-readable reason.
func (e *Error) Reason() string { return e.Code }

func (e *Error) Unwrap() error { return e.Err }

func errorf(reason, format string, args ...any) *Error {
	return &Error{Code: reason, Msg: fmt.Sprintf(format, args...)}
}

// ReasonOf returns the snake_case reason carried by err (anything in its chain
// with a Reason() string method), or fallback.
func ReasonOf(err error, fallback string) string {
	var r interface{ Reason() string }
	if errors.As(err, &r) {
		return r.Reason()
	}
	return fallback
}

// ErrPermanent marks a transport error that retrying cannot fix (the job
// fails at once instead of being held).
var ErrPermanent = errors.New("permanent printer error")

// HoldError is returned by a transport to say the printer cannot take the job
// now, with a reason such as "paper_out" or "disconnected"; the job is held
// and retried.
type HoldError struct {
	Why string // snake_case reason
	Err error
}

func (e *HoldError) Error() string {
	if e.Err != nil {
		return e.Why + ": " + e.Err.Error()
	}
	return e.Why
}

func (e *HoldError) Unwrap() error { return e.Err }

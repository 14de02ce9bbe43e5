package wire

// Error reasons: the data.reason of a JSON-RPC error, which pages switch
// on. This is the one list of them; the core keeps the constants it needs
// (printing.ErrReason…, label.Reason…) and a test checks they are here.
const (
	// JSON-RPC level.
	ReasonParseError     = "parse_error"
	ReasonInvalidRequest = "invalid_request"
	ReasonMethodNotFound = "method_not_found"
	ReasonInvalidParams  = "invalid_params"
	ReasonInternalError  = "internal_error"
	// Labels (package label).
	ReasonInvalidLabel        = "invalid_label"
	ReasonFontMissing         = "font_missing"
	ReasonUnsupportedLanguage = "unsupported_language"
	// The core (package printing).
	ReasonPrinterNotFound  = "printer_not_found"
	ReasonJobNotFound      = "job_not_found"
	ReasonLanguageMismatch = "language_mismatch"
	ReasonQueueFull        = "queue_full"
	ReasonPayloadTooLarge  = "payload_too_large"
	ReasonTooComplex       = "too_complex"
	ReasonInvalidState     = "invalid_state"
	ReasonNotAllowed       = "not_allowed"
	ReasonUnavailable      = "unavailable"
	ReasonStoreFailed      = "store_failed"
)

// Reasons returns every error reason, sorted.
func Reasons() []string {
	return sorted(ReasonParseError, ReasonInvalidRequest, ReasonMethodNotFound, ReasonInvalidParams,
		ReasonInternalError, ReasonInvalidLabel, ReasonFontMissing, ReasonUnsupportedLanguage,
		ReasonPrinterNotFound, ReasonJobNotFound, ReasonLanguageMismatch, ReasonQueueFull,
		ReasonPayloadTooLarge, ReasonTooComplex, ReasonInvalidState, ReasonNotAllowed, ReasonUnavailable,
		ReasonStoreFailed, ReasonTemplateNotFound)
}

// Refusal reasons: the "reason" of an HTTP refusal ({"error", "reason"}),
// such as a refused WebSocket handshake. A refusal may also carry
// invalid_request, payload_too_large or unavailable.
const (
	RefusalHostNotAllowed   = "host_not_allowed"
	RefusalOriginMissing    = "origin_missing"
	RefusalOriginNotAllowed = "origin_not_allowed"
	RefusalOriginDenied     = "origin_denied"
	RefusalOriginInvalid    = "origin_invalid"
	RefusalRequestTimeout   = "request_timeout"
	RefusalMethodNotAllowed = "method_not_allowed"
)

// RefusalReasons returns every reason of an HTTP refusal, sorted (those
// shared with Reasons included).
func RefusalReasons() []string {
	return sorted(RefusalHostNotAllowed, RefusalOriginMissing, RefusalOriginNotAllowed, RefusalOriginDenied,
		RefusalOriginInvalid, RefusalRequestTimeout, RefusalMethodNotAllowed,
		ReasonInvalidRequest, ReasonPayloadTooLarge, ReasonUnavailable)
}

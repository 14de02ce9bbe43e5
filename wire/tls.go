package wire

// The local CA and its trust (issue 15): admin methods for the panel.
const (
	// MethodTrustGet answers the local CA's TrustState.
	MethodTrustGet = "trust.get"
	// MethodTrustInstall installs the local CA in this user's trust stores
	// and answers the new TrustState.
	MethodTrustInstall = "trust.install"
)

// TrustStore is one trust store's state.
type TrustStore struct {
	Kind     string `json:"kind"` // nss, windows-user, windows-machine, keychain, system
	Location string `json:"location"`
	Trusted  bool   `json:"trusted"`
	Error    string `json:"error,omitempty"`
}

// TrustState is the result of trust.get and trust.install.
type TrustState struct {
	Fingerprint string       `json:"sha256"`   // the CA's SHA-256 fingerprint
	Subject     string       `json:"subject"`  // the CA's name
	NotAfter    string       `json:"notAfter"` // RFC 3339: when the leaf (and CA) expire
	Stores      []TrustStore `json:"stores"`
	Trusted     bool         `json:"trusted"` // every store found trusts the CA
	Error       string       `json:"error,omitempty"`
	Explain     string       `json:"explain"` // one sentence for a person: what to do
	// Listeners are the agent's listeners and whether each could bind its
	// port (who holds it when not).
	Listeners []Listener `json:"listeners"`
}

// Listener is one of the agent's listening ports.
type Listener struct {
	Name      string `json:"name"` // "api", "wss", "browserPrint", "browserPrint https", …
	URL       string `json:"url"`
	Listening bool   `json:"listening"`
	Error     string `json:"error,omitempty"`  // why it is not listening
	Holder    string `json:"holder,omitempty"` // the program holding the port, when known
}

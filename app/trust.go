package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/localca"
	"github.com/labelbridge/labelbridge/tlsca"
	"github.com/labelbridge/labelbridge/tlsca/trust"
)

const trustUsage = `usage: labelbridge trust install|uninstall|status|export [flags]

  install     trust this user's local CA (made if missing) in the browsers' stores:
              Linux: Chromium's and every Firefox profile's NSS database (certutil);
              Windows: the current user's Root store (Windows asks to confirm);
              macOS: the login keychain (macOS asks for your password)
  uninstall   remove exactly the certificates 'install' added
  status      which stores trust the CA (--json for the panel's shape)
  export      print the CA certificate (PEM) on stdout

  --machine   (administrators, installers) the machine's store instead: Linux's system store
              (update-ca-certificates), Windows' LocalMachine Root, macOS' System keychain
  --ca FILE   with --machine: the CA certificate to install ('-': stdin), e.g. a user's
              'labelbridge trust export' (the .deb's postinst)
`

// runTrust is `labelbridge trust …`: it works on the files directly, with
// or without a running agent (whose certificate follows the same files).
func runTrust(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, trustUsage)
		return &exitError{code: 2, err: errors.New("trust: say install, uninstall, status or export")}
	}
	verb := args[0]
	fs := flag.NewFlagSet("trust "+verb, flag.ContinueOnError)
	machine := fs.Bool("machine", false, "the machine's trust store (administrators)")
	caFile := fs.String("ca", "", "with --machine: the CA certificate (PEM) to install, '-' for stdin")
	asJSON := fs.Bool("json", false, "status: JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("trust %s: unexpected argument %q", verb, fs.Arg(0))
	}
	if *caFile != "" && (!*machine || verb != "install") {
		return errors.New("trust: --ca goes with 'install --machine'")
	}
	paths, err := config.DefaultPaths()
	if err != nil {
		return err
	}
	dir := tlsDir(paths)
	opt := trust.Options{}
	if *machine {
		opt.Stores = trust.MachineStores
		dir = machineTrustDir(paths)
	}
	m := trust.New(dir, opt)
	switch verb {
	case "uninstall":
		if err := m.Uninstall(); err != nil {
			return fmt.Errorf("trust uninstall: %w", err)
		}
		fmt.Println("removed every certificate Labelbridge had added" + map[bool]string{true: " to the machine's store", false: ""}[*machine])
		return nil
	case "install", "status", "export":
	default:
		fmt.Fprint(os.Stderr, trustUsage)
		return &exitError{code: 2, err: fmt.Errorf("trust: unknown command %q", verb)}
	}
	ca, file, err := trustCA(paths, *caFile)
	if err != nil {
		return err
	}
	if *caFile != "" {
		defer os.Remove(file) // trustCA's temporary copy
	}
	switch verb {
	case "export":
		return pem.Encode(os.Stdout, &pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})
	case "status":
		st := m.Status(ca)
		if *asJSON {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(localca.ToWire(st, nil))
		}
		trust.WriteStatus(os.Stdout, st)
		if !st.Trusted {
			return &exitError{code: 1, err: errors.New(trust.Explain(st))}
		}
		return nil
	}
	st, err := m.Install(ca, file)
	trust.WriteStatus(os.Stdout, st)
	if err != nil {
		return fmt.Errorf("trust install: %w", err)
	}
	return nil
}

// trustCA is the CA to act on: the file named by --ca ("-": stdin, copied
// to a temporary file for the store tools), or this user's (made if missing).
func trustCA(paths config.Paths, caFile string) (*x509.Certificate, string, error) {
	if caFile == "" {
		a, _, err := tlsca.Open(tlsDir(paths), tlsca.Options{})
		if err != nil {
			return nil, "", err
		}
		return a.CA(), a.CAFile(), nil
	}
	return trust.ReadCAFile(caFile)
}

// machineTrustDir keeps the record of the machine-store installs next to
// the admin policy (root's or an administrator's).
func machineTrustDir(p config.Paths) string { return filepath.Dir(p.PolicyFile) }

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/fleet"
)

const fleetUsage = `Usage:
  labelbridge fleet stations [--json] [broker flags]
        every station's retained state: online, printers and their status
  labelbridge fleet print --station S (--label FILE | --raw FILE [--language L] | --document FILE)
        [--printer P] [--copies N] [--key K] [--wait] [broker flags]
        publish a print request to a station and wait until it is stored (--wait: printed);
        a document takes print's document flags (--pages --fit --rotate --crop --dither
        --threshold --width --height --unit)

Broker flags (default: the "fleet" block of the config file):
  --broker URL --topic-prefix P --ca-file F --cert-file F --key-file F --username U
  (the password comes from LABELBRIDGE_FLEET_PASSWORD or the config file) --timeout D
`

// runFleet runs `labelbridge fleet stations|print`: operator and script
// verbs that talk to the stations through the same broker.
func runFleet(args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Print(fleetUsage)
		if len(args) == 0 {
			return &exitError{code: 2, err: errors.New("fleet: say stations or print")}
		}
		return nil
	}
	switch args[0] {
	case "stations":
		return runFleetStations(args[1:])
	case "print":
		return runFleetPrint(args[1:])
	}
	fmt.Fprint(os.Stderr, fleetUsage)
	return &exitError{code: 2, err: fmt.Errorf("fleet: unknown command %q", args[0])}
}

// brokerFlags are the connection flags both verbs take.
type brokerFlags struct {
	broker, prefix, ca, cert, key, user string
	timeout                             time.Duration
}

func (b *brokerFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.broker, "broker", "", "broker URL (mqtt://, mqtts://, ws://, wss://)")
	fs.StringVar(&b.prefix, "topic-prefix", "", "topic prefix (default: config, else labelbridge)")
	fs.StringVar(&b.ca, "ca-file", "", "CA certificate (PEM) that verifies the broker")
	fs.StringVar(&b.cert, "cert-file", "", "client certificate (PEM)")
	fs.StringVar(&b.key, "key-file", "", "client certificate's key (PEM)")
	fs.StringVar(&b.user, "username", "", "user name")
	fs.DurationVar(&b.timeout, "timeout", 30*time.Second, "give up after this long")
}

// dial connects with the flags over the config file's fleet block.
func (b *brokerFlags) dial(ctx context.Context) (*fleet.Client, error) {
	var f config.Fleet
	if paths, err := config.DefaultPaths(); err == nil {
		if cfg, err := config.Load(paths); err == nil {
			f = cfg.Fleet
		}
	}
	opt := fleet.ClientOptions{
		Broker: pick(b.broker, f.Broker), TopicPrefix: pick(b.prefix, f.TopicPrefix),
		CAFile: pick(b.ca, f.CAFile), CertFile: pick(b.cert, f.CertFile), KeyFile: pick(b.key, f.KeyFile),
		Username: pick(b.user, f.Username), Password: pick(os.Getenv("LABELBRIDGE_FLEET_PASSWORD"), f.Password),
	}
	if opt.Broker == "" {
		return nil, &exitError{code: 2, err: errors.New("fleet: no broker: pass --broker mqtts://host:8883 or set \"fleet\" in the config file")}
	}
	if opt.TopicPrefix == "" {
		opt.TopicPrefix = config.DefaultTopicPrefix
	}
	return fleet.Dial(ctx, opt)
}

func pick(flagValue, configValue string) string {
	if flagValue != "" {
		return flagValue
	}
	return configValue
}

func runFleetStations(args []string) error {
	fs := flag.NewFlagSet("fleet stations", flag.ContinueOnError)
	var bf brokerFlags
	bf.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), bf.timeout)
	defer cancel()
	cl, err := bf.dial(ctx)
	if err != nil {
		return err
	}
	defer cl.Close()
	states, err := cl.Stations(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"stations": states})
	}
	return fleet.WriteStations(os.Stdout, states)
}

func runFleetPrint(args []string) error {
	fs := flag.NewFlagSet("fleet print", flag.ContinueOnError)
	var bf brokerFlags
	bf.register(fs)
	station := fs.String("station", "", "the station to print at (required)")
	labelFile := fs.String("label", "", "label JSON file (docs/labels.md)")
	rawFile := fs.String("raw", "", "raw printer commands file")
	docFile := fs.String("document", "", "PDF, PNG or JPEG file")
	docFlags := addDocumentFlags(fs)
	lang := fs.String("language", "", "language of --raw (zpl, tspl, epl, escpos)")
	printer := fs.String("printer", "", "printer id at the station (default: its default printer)")
	copies := fs.Int("copies", 0, "copies")
	key := fs.String("key", "", "idempotency key (default: a new one; reuse it to resend safely)")
	wait := fs.Bool("wait", false, "wait until the job is printed (or failed)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	params, err := fleet.PrintParamsFromFiles(*labelFile, *rawFile, *docFile, *lang, docFlags.params)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if err := config.CheckTopicLevel(*station); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("--station: %w", err)}
	}
	if *printer != "" {
		params["printer"] = *printer
	}
	if *copies != 0 {
		params["copies"] = *copies
	}
	if *key == "" {
		*key = fmt.Sprintf("cli-%d-%d", time.Now().UnixNano(), os.Getpid())
	}
	ctx, cancel := context.WithTimeout(context.Background(), bf.timeout)
	defer cancel()
	cl, err := bf.dial(ctx)
	if err != nil {
		return err
	}
	defer cl.Close()
	ev, err := cl.Print(ctx, *station, *key, params, *wait)
	if err != nil {
		return err
	}
	fmt.Printf("job %s %s at %s on %s (idempotencyKey %s)\n", ev.ID, ev.State, *station, ev.Printer, ev.IdempotencyKey)
	if *wait && ev.State != "done" {
		return fmt.Errorf("job %s %s: %s %s", ev.ID, ev.State, ev.Reason, ev.Detail)
	}
	return nil
}

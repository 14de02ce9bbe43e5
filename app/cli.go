package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/tray"
)

// parseInterspersed parses flags that may come after positional arguments
// ("preview LABEL.json -o OUT.png") and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// session is a CLI connection to an agent: the running one, or a temporary
// in-process one when none runs.
type session struct {
	*client.Client
	temp *agent
}

func (s *session) close() {
	s.Client.Close()
	if s.temp != nil {
		_ = stopAgent(s.temp)
	}
}

// connect dials the running agent with the local token, or starts a
// temporary agent for this call when none is running.
func connect(ctx context.Context, portFlag int) (*session, error) {
	cfg, err := loadConfig(portFlag)
	if err != nil {
		return nil, err
	}
	tok, _ := config.ReadToken(cfg.Paths.TokenFile)
	c, err := client.Dial(ctx, client.URL(cfg.Port), client.Options{Token: tok})
	if err == nil {
		return &session{Client: c}, nil
	}
	if !errors.Is(err, client.ErrNotRunning) {
		var refused *client.RefusedError
		if errors.As(err, &refused) && refused.Reason == "origin_missing" {
			return nil, fmt.Errorf("the agent on port %d did not accept this user's token (%s): run the command as the user who runs the agent", cfg.Port, cfg.Paths.TokenFile)
		}
		return nil, err
	}
	a, err := startTemporaryAgent(cfg, "warn")
	if err != nil {
		return nil, fmt.Errorf("no agent is running on port %d and a temporary one could not start: %w", cfg.Port, err)
	}
	fmt.Fprintf(os.Stderr, "labelbridge: no agent running on port %d; using a temporary one for this command\n", cfg.Port)
	c, err = client.Dial(ctx, client.URL(a.port), client.Options{Token: a.token})
	if err != nil {
		_ = stopAgent(a)
		return nil, err
	}
	return &session{Client: c, temp: a}, nil
}

func runPrinters(args []string) error {
	fs := flag.NewFlagSet("printers", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON ({\"printers\": [...]})")
	port := fs.Int("port", 0, "agent port")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := connect(ctx, *port)
	if err != nil {
		return err
	}
	defer s.close()
	list, err := s.Printers(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"printers": list})
	}
	return client.WritePrinters(os.Stdout, list)
}

func runPrint(args []string) error {
	fs := flag.NewFlagSet("print", flag.ContinueOnError)
	printer := fs.String("printer", "", "printer id (default: the default printer)")
	rawFile := fs.String("raw", "", "file of raw printer commands (- for stdin)")
	language := fs.String("language", "", "language of --raw: zpl, tspl, epl or escpos")
	labelFile := fs.String("label", "", "label file (JSON label model; - for stdin)")
	docFile := fs.String("document", "", "document file to print, one label per page: PDF, PNG or JPEG (- for stdin)")
	docFlags := addDocumentFlags(fs)
	copies := fs.Int("copies", 0, "copies (default 1, or the label's)")
	wait := fs.Bool("wait", false, "wait until the job is done (exit 1 if it fails)")
	title := fs.String("title", "", "job title shown in the queue")
	key := fs.String("idempotency-key", "", "the same key never prints twice")
	port := fs.Int("port", 0, "agent port")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long --wait waits")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("print: unexpected argument %q (use --raw FILE, --label FILE or --document FILE)", pos[0])
	}
	if btoi(*rawFile != "")+btoi(*labelFile != "")+btoi(*docFile != "") != 1 {
		return fmt.Errorf("print: give exactly one of --raw FILE, --label FILE or --document FILE")
	}
	if *language != "" && !isLanguage(*language) {
		return fmt.Errorf("print: --language must be one of %s", strings.Join(config.Languages, ", "))
	}
	params := client.PrintParams{Printer: *printer, Copies: *copies, Title: *title, IdempotencyKey: *key}
	if *rawFile != "" {
		data, err := readInput(*rawFile)
		if err != nil {
			return err
		}
		enc := b64(data)
		params.Raw = &client.Raw{Language: *language, Base64: &enc}
		if params.Title == "" {
			params.Title = *rawFile
		}
	} else if *docFile != "" {
		data, err := readInput(*docFile)
		if err != nil {
			return err
		}
		if params.Document, err = docFlags.params(*docFile, data); err != nil {
			return fmt.Errorf("print: %w", err)
		}
		if params.Title == "" {
			params.Title = *docFile
		}
	} else {
		data, err := readInput(*labelFile)
		if err != nil {
			return err
		}
		if !json.Valid(data) {
			return fmt.Errorf("print: %s is not valid JSON", *labelFile)
		}
		params.Label = data
		if params.Title == "" {
			params.Title = *labelFile
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	s, err := connect(ctx, *port)
	if err != nil {
		return err
	}
	defer s.close()
	if *wait || s.temp != nil {
		if err := s.Subscribe(ctx, "jobs"); err != nil {
			return err
		}
	}
	job, err := s.Print(ctx, params)
	if err != nil {
		return err
	}
	if !*wait && s.temp == nil {
		fmt.Printf("%s %s printer=%s\n", job.ID, job.State, job.Printer)
		return nil
	}
	job, err = s.WaitJob(ctx, job.ID)
	if err != nil {
		return fmt.Errorf("waiting for job %s: %w", job.ID, err)
	}
	fmt.Printf("%s %s printer=%s\n", job.ID, job.State, job.Printer)
	if job.State != printing.JobDone {
		msg := job.Reason
		if job.Detail != "" {
			msg += ": " + job.Detail
		}
		return fmt.Errorf("job %s %s (%s)", job.ID, job.State, msg)
	}
	return nil
}

func isLanguage(s string) bool {
	for _, l := range config.Languages {
		if l == s {
			return true
		}
	}
	return false
}

func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }

// runPanel opens the local web panel, signed in, in the default browser:
// it asks the running agent, as admin (the token file's secret), for a
// one-time login link. It never starts a temporary agent: its panel would
// die with this command.
func runPanel(args []string) error {
	fs := flag.NewFlagSet("panel", flag.ContinueOnError)
	printURL := fs.Bool("print-url", false, "print the one-time link (it works once, within a minute) instead of opening the browser")
	fs.BoolVar(printURL, "url", false, "the same as --print-url")
	port := fs.Int("port", 0, "agent port")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("panel: unexpected argument %q", fs.Arg(0))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	url, err := panelLink(ctx, *port)
	if err != nil {
		return err
	}
	if *printURL {
		fmt.Println(url)
		return nil
	}
	if err := tray.OpenURL(url); err != nil {
		return fmt.Errorf("open the panel in the browser: %w (labelbridge panel --url prints a link to open by hand)", err)
	}
	fmt.Fprintln(os.Stderr, "labelbridge: the panel opens in your browser")
	return nil
}

// panelLink asks the agent running on the configured port (or portFlag)
// for a one-time panel login link.
func panelLink(ctx context.Context, portFlag int) (string, error) {
	c, port, err := dialAdmin(ctx, portFlag, "labelbridge panel")
	if err != nil {
		return "", err
	}
	defer c.Close()
	var r struct {
		URL string `json:"url"`
	}
	if err := c.Call(ctx, "panel.login", nil, &r); err != nil {
		var ce *client.Error
		if errors.As(err, &ce) && ce.Reason == "method_not_found" {
			return "", fmt.Errorf("the agent on port %d is an older version without panel login: open http://127.0.0.1:%d/ or restart Labelbridge", port, port)
		}
		return "", fmt.Errorf("ask the agent for a panel link: %w", err)
	}
	if r.URL == "" {
		return "", fmt.Errorf("the agent on port %d answered panel.login without a link", port)
	}
	return r.URL, nil
}

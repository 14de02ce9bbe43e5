package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/wire"
)

// dialAdmin connects to the agent running on the configured port (or
// portFlag) as admin, with the local token file: the CLI's admin channel.
// verb names the command in the error that says how to start the agent.
func dialAdmin(ctx context.Context, portFlag int, verb string) (*client.Client, int, error) {
	cfg, err := loadConfig(portFlag)
	if err != nil {
		return nil, 0, err
	}
	tok, _ := config.ReadToken(cfg.Paths.TokenFile) // none: the agent says so below
	c, err := client.Dial(ctx, client.URL(cfg.Port), client.Options{Token: tok})
	if err != nil {
		var refused *client.RefusedError
		switch {
		case errors.Is(err, client.ErrNotRunning):
			return nil, cfg.Port, fmt.Errorf("no Labelbridge agent is running on port %d: start Labelbridge (from the start menu, or run labelbridge), then run %s again", cfg.Port, verb)
		case errors.As(err, &refused) && refused.Reason == "origin_missing":
			return nil, cfg.Port, fmt.Errorf("the agent on port %d did not accept this user's token (%s): run the command as the user who runs the agent", cfg.Port, cfg.Paths.TokenFile)
		}
		return nil, cfg.Port, fmt.Errorf("connect to the agent on port %d: %w", cfg.Port, err)
	}
	return c, cfg.Port, nil
}

// sitesVerbs are the actions of `labelbridge sites` and their admin methods.
var sitesVerbs = map[string]string{
	"allow": wire.MethodSitesApprove, "deny": wire.MethodSitesDeny, "remove": wire.MethodSitesRevoke,
}

// runSites is `labelbridge sites list|allow|deny|remove [ORIGIN]`: IT adds a
// site ahead of time, or removes one, through the running agent (so the
// change is live at once and recorded in the audit log like the panel's).
func runSites(args []string) error {
	return sitesCommand(args, os.Stdout)
}

func sitesCommand(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sites", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the list as JSON")
	port := fs.Int("port", 0, "agent port")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: labelbridge sites list [--json] | allow ORIGIN | deny ORIGIN | remove ORIGIN\n"+
			"  ORIGIN is scheme://host[:port], e.g. https://wms.example.com; remove also takes a pattern (http://localhost:*)")
		fs.PrintDefaults()
	}
	if len(args) == 0 {
		fs.Usage()
		return flag.ErrHelp
	}
	verb := args[0]
	var pos []string // flags may come before or after ORIGIN
	for rest := args[1:]; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, rest = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	method, change := sitesVerbs[verb]
	switch {
	case verb == "list" && len(pos) == 0:
	case change && len(pos) == 1:
	case verb == "list" || change:
		return fmt.Errorf("sites %s: want %s", verb, map[bool]string{true: "one ORIGIN", false: "no argument"}[change])
	default:
		fs.Usage()
		return &exitError{code: 2, err: fmt.Errorf("sites: unknown action %q (list, allow, deny or remove)", verb)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, _, err := dialAdmin(ctx, *port, "labelbridge sites")
	if err != nil {
		return err
	}
	defer c.Close()
	var r wire.SitesResult
	if !change {
		if err := c.Call(ctx, wire.MethodSitesList, nil, &r); err != nil {
			return fmt.Errorf("list the sites: %w", err)
		}
	} else {
		origin := pos[0]
		if err := c.Call(ctx, method, map[string]string{"origin": origin}, &r); err != nil {
			return fmt.Errorf("sites %s %s: %w", verb, origin, err)
		}
		for _, b := range r.Builtin {
			if verb == "remove" && b == origin {
				fmt.Fprintf(os.Stderr, "labelbridge: %s is built in; allow it again with: labelbridge sites allow '%s'\n", origin, origin)
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORIGIN\tSTATE\tNOTE")
	for _, s := range r.Sites {
		note := ""
		switch {
		case s.Locked:
			note = "set by the admin policy"
		case s.Builtin:
			note = "built in"
		case s.State == "pending":
			note = fmt.Sprintf("tried %d times", s.Attempts)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Origin, s.State, note)
	}
	if r.Locked {
		fmt.Fprintln(tw, "(the admin policy locks the allowed sites)")
	}
	return tw.Flush()
}

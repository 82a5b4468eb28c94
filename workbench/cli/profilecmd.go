package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"dvmlab/core/proxy"
	"dvmlab/core/service/profile"
	_ "dvmlab/experiments/monitor" // dvmlab experiment run monitor
)

func init() {
	Register(&Command{
		Name: "profile",
		Usage: "profile edges [--db FILE] [--session ID] [--format csv|pprof|dot|folded] [-o FILE]" +
			" | profile unused [--db FILE] [--session ID] [--blocks] | profile first [--db FILE] [--session ID]",
		Summary:     "the dynamic call graph the profile service collected: edges with counts, methods (and with --blocks basic blocks) never run, first-use order",
		Example:     "dvmlab profile edges --format pprof -o calls.pb.gz && go tool pprof -top calls.pb.gz",
		Run:         runProfile,
		Subcommands: []string{"edges|unused|first"},
	})
}

func runProfile(env *Env, args []string) error {
	cmd := Lookup("profile")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageError(cmd, "which: edges, unused or first")
	}
	sub := args[0]
	fs := newFlags(env, cmd)
	db := fs.String("db", DefaultAudit(), "the audit database the proxy writes")
	session := fs.String("session", "", "one session; all sessions summed when empty")
	format := fs.String("format", "csv", "edges: csv, pprof, dot or folded")
	out := fs.String("o", "", "write to FILE instead of standard output")
	blocks := fs.Bool("blocks", false, "unused: also the basic blocks never run of the methods that ran, as METHOD @FIRST-LAST (offsets of the class as served)")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 0 {
		return usageError(cmd, "unexpected %q", pos[0])
	}
	// What is asked for is checked before the trail is opened.
	if !slices.Contains([]string{"edges", "unused", "first"}, sub) {
		return usageError(cmd, "unknown profile subcommand %q (edges, unused, first)", sub)
	}
	if !slices.Contains(profile.Formats, *format) {
		return usageError(cmd, "--format: unknown format %q (known: %s)", *format, strings.Join(profile.Formats, ", "))
	}
	a, err := openTrail(*db)
	if err != nil {
		return err
	}
	defer a.Close()
	// The whole output is made before -o's file is written, at once.
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	switch sub {
	case "edges":
		es, err := a.Edges(*session)
		if err != nil {
			return err
		}
		edges := make([]profile.Edge, len(es))
		for i, e := range es {
			edges[i] = profile.Edge{Caller: e.Caller, Callee: e.Callee, Count: e.Count}
		}
		var stacks []profile.Stack
		if *format == "folded" {
			ss, ok, err := a.Stacks(*session)
			if err != nil {
				return err
			}
			if !ok && len(edges) > 0 {
				return fmt.Errorf("%s: the trail has call edges but no calling contexts (recorded before the profiler kept them): "+
					"folded stacks cannot be made from it; use --format csv, dot or pprof", *db)
			}
			for _, s := range ss {
				stacks = append(stacks, profile.Stack{Frames: s.Frames, Count: s.Count})
			}
		}
		if err := profile.Write(bw, *format, edges, stacks); err != nil {
			return usageError(cmd, "%v", err)
		}
	case "unused":
		unused, total, err := a.Unused(*session)
		if err != nil {
			return err
		}
		lines := unused
		var ublocks []proxy.Block
		var btotal int
		if *blocks {
			if ublocks, btotal, err = a.UnusedBlocks(*session); err != nil {
				return err
			}
			for _, b := range ublocks {
				lines = append(lines, b.Method+" @"+b.Range)
			}
			// A method's blocks follow it, in block order, not by text.
			slices.SortStableFunc(lines, func(x, y string) int {
				mx, _, _ := strings.Cut(x, " ")
				my, _, _ := strings.Cut(y, " ")
				return strings.Compare(mx, my)
			})
		}
		for _, m := range lines {
			fmt.Fprintln(bw, m)
		}
		if total > 0 {
			fmt.Fprintf(env.Stderr, "%d of %d methods of the classes that ran were never executed (%.1f%%)\n", len(unused), total,
				100*float64(len(unused))/float64(total))
		}
		if btotal > 0 {
			fmt.Fprintf(env.Stderr, "%d of %d basic blocks of the methods that ran were never executed (%.1f%%)\n", len(ublocks), btotal,
				100*float64(len(ublocks))/float64(btotal))
		}
	case "first":
		ms, err := a.FirstUse(*session)
		if err != nil {
			return err
		}
		for i, m := range ms {
			fmt.Fprintf(bw, "%d %s\n", i+1, m)
		}
	default:
		return usageError(cmd, "unknown profile subcommand %q (edges, unused, first)", sub)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if *out != "" {
		return writeOutput(*out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
	}
	_, err = env.Stdout.Write(buf.Bytes())
	return err
}

package cli

import (
	"fmt"
	"slices"
	"strings"

	"dvmlab/plots"
)

func init() {
	Register(&Command{
		Name:    "plot",
		Usage:   "plot NAME|all [--results DIR] [--out DIR] [--text]",
		Summary: "draw an experiment's results as the paper's figure (PNG and SVG in plots/out), or as text with --text",
		Example: "dvmlab plot fig11",
		Run:     runPlot,
	})
}

func runPlot(env *Env, args []string) error {
	cmd := Lookup("plot")
	fs := newFlags(env, cmd)
	results := fs.String("results", "results", "where the experiments wrote results/NAME")
	out := fs.String("out", "plots/out", "where the figures go")
	text := fs.Bool("text", false, "print the results with bars instead of drawing them")
	width := fs.Int("width", 100, "--text: the terminal's width")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 {
		return usageError(cmd, "which figure? one of %v, or all", plots.Names())
	}
	names := pos
	if pos[0] == "all" {
		names = plots.Names()
	} else if !slices.Contains(plots.Names(), pos[0]) {
		return usageError(cmd, "no plot %q (have %s)", pos[0], strings.Join(plots.Names(), ", "))
	}
	failed := 0
	for _, n := range names {
		if *text {
			s, err := plots.Terminal(n, *results, *width)
			if err != nil && len(names) == 1 {
				return err
			} else if err != nil {
				fmt.Fprintf(env.Stderr, "dvmlab plot: %v\n", err)
				failed++
				continue
			}
			fmt.Fprint(env.Stdout, s)
			continue
		}
		files, err := renderAtomic(n, *results, *out)
		if err != nil && len(names) == 1 {
			return err
		} else if err != nil {
			fmt.Fprintf(env.Stderr, "dvmlab plot: %v\n", err)
			failed++
			continue
		}
		for _, f := range files {
			fmt.Fprintln(env.Stdout, f)
		}
	}
	if failed > 0 {
		return &ExitError{Code: 1, Msg: fmt.Sprintf("%d of %d figures not drawn", failed, len(names))}
	}
	return nil
}

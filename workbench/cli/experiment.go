package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"dvmlab/experiments"
	_ "dvmlab/experiments/figures"
	_ "dvmlab/experiments/security"
	_ "dvmlab/experiments/shadowexp"
)

func init() {
	Register(&Command{
		Name:        "experiment",
		Usage:       "experiment list | run NAME|all [--quick] [--results DIR]",
		Summary:     "run the experiments behind the papers' figures and tables; each writes results/NAME/*.csv and metadata.json",
		Example:     "dvmlab experiment run fig10 --quick",
		Run:         runExperiment,
		Subcommands: []string{"run"},
	})
}

func runExperiment(env *Env, args []string) error {
	cmd := Lookup("experiment")
	if len(args) == 0 {
		return usageError(cmd, "say list or run NAME")
	}
	switch args[0] {
	case "list":
		for _, e := range experiments.List() {
			fmt.Fprintf(env.Stdout, "%-9s %s\n          %s\n", e.Name, e.Title, e.Measure)
		}
		return nil
	case "run":
	default:
		return usageError(cmd, "say list or run NAME, not %q", args[0])
	}
	fs := newFlags(env, cmd)
	quick := fs.Bool("quick", false, "a run of seconds: fewer programs, repetitions and points")
	results := fs.String("results", "results", "where results/NAME goes")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 {
		return usageError(cmd, "run which experiment? (experiment list)")
	}
	names := pos
	if pos[0] == "all" {
		names = nil
		for _, e := range experiments.List() {
			names = append(names, e.Name)
		}
	} else {
		known := false
		for _, e := range experiments.List() {
			known = known || e.Name == pos[0]
		}
		if !known {
			return usageError(cmd, "no experiment %q (dvmlab experiment list names them)", pos[0])
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	failed := 0
	for i, n := range names {
		t0 := time.Now()
		fmt.Fprintf(env.Stderr, "[%d/%d] %s\n", i+1, len(names), n)
		dir, err := runExperimentAtomic(ctx, n, *quick, *results, env.Stderr)
		if err != nil {
			fmt.Fprintf(env.Stderr, "dvmlab experiment: %v\n", err)
			failed++
			continue
		}
		fmt.Fprintf(env.Stdout, "%s: %s (%v)\n", n, dir, time.Since(t0).Round(time.Millisecond))
	}
	if failed > 0 {
		return &ExitError{Code: 1, Msg: fmt.Sprintf("%d of %d experiments failed", failed, len(names))}
	}
	return nil
}

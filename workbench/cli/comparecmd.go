package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"dvmlab/core/netsim"
	"dvmlab/core/service"
	"dvmlab/datasets"
	"dvmlab/experiments/compare"
)

func init() {
	Register(&Command{
		Name:    "compare",
		Usage:   "compare [--services a,b] [--frames keep|recompute] [--link RATE] [--runs N] PROGRAM",
		Summary: "run a real program monolithic (stock JVM, its own verifier) and through origin and proxy, uncached and cached, and show the timings side by side",
		Example: "dvmlab compare --services coverage --link 10mbps jlex",
		Run:     runCompare,
	})
}

func runCompare(env *Env, args []string) error {
	cmd := Lookup("compare")
	fs := newFlags(env, cmd)
	services := fs.String("services", "none", "the proxy's services, comma-separated")
	frames := FramesFlag(fs)
	link := fs.String("link", "", "shape the origin's link to this rate (e.g. 28.8kbps, 1mbps)")
	runs := fs.Int("runs", 3, "counted runs per mode, after one warm-up")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 {
		var names []string
		for _, p := range datasets.All() {
			names = append(names, p.Name)
		}
		return usageError(cmd, "name one program: %s", strings.Join(names, ", "))
	}
	p, ok := datasets.Lookup(pos[0])
	if !ok {
		return fmt.Errorf("no program %q (try one of the datasets: dvmlab compare with no argument lists them)", pos[0])
	}
	if *runs < 1 {
		return usageError(cmd, "--runs must be at least 1")
	}
	// Refuse bad parameters before the first run, not after it.
	if _, err := service.Parse(*services); err != nil {
		return usageError(cmd, "--services: %v", err)
	}
	if *link != "" {
		if _, err := netsim.ParseRate(*link); err != nil {
			return usageError(cmd, "--link: %v", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg := compare.Config{Services: *services, Frames: *frames, Link: *link, Runs: *runs, Progress: env.Stderr}
	modes, err := compare.Run(ctx, p, cfg)
	if err != nil {
		return err
	}
	compare.Print(env.Stdout, p, cfg, modes)
	for _, m := range modes {
		if !m.Identical {
			return &ExitError{Code: 1, Msg: m.Name + ": output differs from the monolithic run"}
		}
	}
	return nil
}

package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"dvmlab/core/netsim"
	"dvmlab/core/service"
	"dvmlab/datasets"
	"dvmlab/experiments/simulate"
)

func init() {
	Register(&Command{
		Name:  "simulate",
		Usage: "simulate startup|scaling [flags] [--plot FILE] PROGRAM",
		Summary: "model a real program's start-up over slow links (class by class and as jars), or the proxy's throughput for many clients " +
			"and replicas, from a measured run of it",
		Example:     "dvmlab simulate scaling --services coverage --clients 1,100,10000,100000 --replicas 1,4 --plot scaling.png jlex",
		Run:         runSimulate,
		Subcommands: []string{"startup|scaling"},
	})
}

func runSimulate(env *Env, args []string) error {
	cmd := Lookup("simulate")
	if len(args) == 0 || (args[0] != "startup" && args[0] != "scaling") {
		return usageError(cmd, "say startup or scaling")
	}
	what := args[0]
	fs := newFlags(env, cmd)
	links := fs.String("links", "28.8kbps,56kbps,128kbps,512kbps,1mbps,10mbps", "startup: link rates to model")
	latency := fs.Duration("latency", 50*time.Millisecond, "startup: one-way latency of the link")
	perRequest := fs.Duration("per-request", time.Millisecond, "startup: fixed cost of one request besides the link")
	services := fs.String("services", "coverage", "scaling: the proxy's services, timed per class")
	clients := fs.String("clients", "1,10,100,1000,10000,100000", "scaling: client counts")
	replicas := fs.String("replicas", "1,2,4", "scaling: proxy replica counts")
	workers := fs.Int("workers", 2, "scaling: requests one replica serves at once (its cores)")
	think := fs.Duration("think", 0, "scaling: a client's pause between a reply and its next request")
	rtt := fs.Duration("rtt", 0, "scaling: network round trip per request")
	plotFile := fs.String("plot", "", "also draw the result into this .png, .svg or .pdf")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return &ExitError{Code: 2}
	}
	if len(pos) != 1 {
		return usageError(cmd, "name one program (%s)", programNames())
	}
	p, ok := datasets.Lookup(pos[0])
	if !ok {
		return fmt.Errorf("no program %q (one of %s)", pos[0], programNames())
	}
	if *plotFile != "" {
		switch strings.ToLower(filepath.Ext(*plotFile)) {
		case ".png", ".svg", ".pdf":
		default:
			return usageError(cmd, "--plot %s: the file must end in .png, .svg or .pdf", *plotFile)
		}
	}
	if what == "startup" {
		for _, l := range strings.Split(*links, ",") {
			if _, err := netsim.ParseRate(strings.TrimSpace(l)); err != nil {
				return usageError(cmd, "--links: %v", err)
			}
		}
	}
	var pl *service.Pipeline
	var counts, reps []int
	if what == "scaling" {
		// Refuse bad parameters before the measuring run.
		if pl, err = service.Parse(*services); err != nil {
			return usageError(cmd, "--services: %v", err)
		}
		if counts, err = intList("--clients", *clients); err != nil {
			return usageError(cmd, "%v", err)
		}
		if reps, err = intList("--replicas", *replicas); err != nil {
			return usageError(cmd, "%v", err)
		}
		if *workers < 1 {
			return usageError(cmd, "--workers must be at least 1")
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(env.Stderr, "simulate: running %s once to see what it loads…\n", p.Name)
	prof, err := simulate.Measure(ctx, p)
	if err != nil {
		return err
	}
	bytes := 0
	for _, c := range prof.Classes {
		bytes += c.Bytes
	}
	fmt.Fprintf(env.Stdout, "%s: %d of its classes loaded (%d bytes) in %d jars, %v with everything local\n",
		p.Name, len(prof.Classes), bytes, len(prof.Jars), prof.Local.Round(time.Millisecond))
	if what == "startup" {
		rows, err := simulate.Startup(prof, strings.Split(*links, ","), *latency, *perRequest)
		if err != nil {
			return err
		}
		simulate.PrintStartup(env.Stdout, rows, *latency)
		if *plotFile != "" {
			if err := writePlot(*plotFile, func(path string) error { return simulate.PlotStartup(path, p.Name, rows) }); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "simulate: plot in %s\n", *plotFile)
		}
		return nil
	}
	times, err := simulate.ServiceTimes(p, prof, pl)
	if err != nil {
		return err
	}
	rows, err := simulate.Scaling(times, len(prof.Classes), counts, reps, *workers, *think, *rtt)
	if err != nil {
		return err
	}
	simulate.PrintScaling(env.Stdout, pl.String(), times, rows)
	if *plotFile != "" {
		if err := writePlot(*plotFile, func(path string) error { return simulate.PlotScaling(path, p.Name, rows) }); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "simulate: plot in %s\n", *plotFile)
	}
	return nil
}

func intList(flag, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive count", flag, f)
		}
		out = append(out, n)
	}
	return out, nil
}

func programNames() string {
	var names []string
	for _, p := range datasets.All() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// writePlot draws a figure under a temporary name beside path (same
// extension, so the same format) and renames it into place when whole.
func writePlot(path string, draw func(string) error) error {
	st, err := stageOutput(path, false)
	if err != nil {
		return pathError(path, err)
	}
	if err := draw(st.path()); err != nil {
		st.discard()
		return err
	}
	if err := st.commit(); err != nil {
		return pathError(path, err)
	}
	return nil
}

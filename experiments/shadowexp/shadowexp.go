// Package shadowexp holds the ShadowVM paper's experiments on the Debian
// programs of package datasets: class-loading perturbation (Table 1) and
// the overhead of the allocation counter out of process, per ordering model,
// against the same hooks counting in process (Table 5's shape).
package shadowexp

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dvmlab/core/shadow"
	"dvmlab/core/shadow/analyses"
	"dvmlab/datasets"
	"dvmlab/experiments"
)

func init() {
	experiments.Register(&experiments.Experiment{Name: "table1", Title: "Table 1: class-loading perturbation",
		Measure: "classes the observed JVM loads (-Xlog:class+load) uninstrumented, under the ShadowVM allocation counter, and under its in-process equivalent; baselines run with -Xshare:off because early class hooks switch class-data sharing off", Run: table1})
	experiments.Register(&experiments.Experiment{Name: "table5", Title: "Table 5: allocation-counter overhead",
		Measure: "run time uninstrumented, with the allocation counter in process, and out of process under global, per-thread and per-group ordering; ratios to the in-process run and to the uninstrumented run", Run: table5})
}

// programs are the workloads: JLex alone in quick mode, every installed
// program otherwise.
func programs(env *experiments.Env) []datasets.Program {
	var out []datasets.Program
	for _, p := range datasets.All() {
		if len(p.Missing()) > 0 {
			env.Say("%s: not installed, skipped", p.Name)
			continue
		}
		if env.Quick && p.Name != "jlex" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// mode is one way of running a program.
type mode struct {
	name      string
	shadow    bool
	inProcess bool
	ordering  shadow.Ordering
}

var (
	plain     = mode{name: "uninstrumented"}
	inProcess = mode{name: "in-process", shadow: true, inProcess: true}
	global    = mode{name: "shadowvm-global", shadow: true, ordering: shadow.Global}
	perThread = mode{name: "shadowvm-thread", shadow: true, ordering: shadow.PerThread}
	perGroup  = mode{name: "shadowvm-group", shadow: true, ordering: shadow.PerGroup}
)

// run runs p once in mode m, with extra JVM flags, and returns the JVM's
// wall time and, for analysed runs, the number of allocations counted.
// Every mode starts the command datasets builds (class path, environment,
// input), so only the agent differs.
func run(ctx context.Context, p datasets.Program, m mode, work string, flags ...string) (time.Duration, int64, error) {
	cfg := datasets.RunConfig{JVMFlags: append([]string{"-Xshare:off"}, flags...)}
	if !m.shadow {
		out, err := p.Run(ctx, cfg, work)
		if err != nil {
			return 0, 0, fmt.Errorf("%s %s: %v", p.Name, m.name, err)
		}
		return out.Elapsed, 0, nil
	}
	cmd, done, err := p.Command(ctx, cfg, work)
	if err != nil {
		return 0, 0, err
	}
	defer done()
	var out, errb bytes.Buffer
	a := &analyses.Alloc{}
	res, err := shadow.Run(ctx, shadow.Config{Analysis: a, Ordering: m.ordering, InProcess: m.inProcess,
		Java: append([]string{cmd.Path}, cmd.Args[1:]...), Dir: cmd.Dir, Env: cmd.Env, Stdin: cmd.Stdin, Stdout: &out, Stderr: &errb})
	if err != nil {
		return 0, 0, fmt.Errorf("%s %s: %v", p.Name, m.name, err)
	}
	if res.ExitCode != 0 {
		return 0, 0, fmt.Errorf("%s %s: exit %d\n%s", p.Name, m.name, res.ExitCode, tail(errb.String()))
	}
	return res.Elapsed, a.Total(), nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// loaded counts the classes a -Xlog:class+load file lists.
func loaded(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strings.Count(string(data), "[class,load]"), nil
}

func table1(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "classes", Header: []string{"program", "uninstrumented", "in_process", "shadowvm",
		"in_process_extra", "shadowvm_extra", "baseline_flags"}}
	for _, p := range programs(env) {
		dir, err := os.MkdirTemp("", "dvmlab-table1-")
		if err != nil {
			return nil, err
		}
		counts := map[string]int{}
		for _, m := range []mode{plain, inProcess, global} {
			log := filepath.Join(dir, m.name+".log")
			env.Say("%s: %s", p.Name, m.name)
			if _, _, err := run(ctx, p, m, filepath.Join(dir, "work"), "-Xlog:class+load=info:file="+log); err != nil {
				os.RemoveAll(dir)
				return nil, err
			}
			if counts[m.name], err = loaded(log); err != nil {
				os.RemoveAll(dir)
				return nil, err
			}
		}
		os.RemoveAll(dir)
		base := counts[plain.name]
		t.Add(p.Name, base, counts[inProcess.name], counts[global.name], counts[inProcess.name]-base, counts[global.name]-base, "-Xshare:off")
	}
	return []experiments.Table{t}, nil
}

func table5(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "overhead", Header: []string{"program", "uninstrumented_ms", "in_process_ms",
		"global_ms", "thread_ms", "group_ms", "global_vs_in_process", "thread_vs_in_process", "group_vs_in_process",
		"in_process_vs_uninstrumented", "thread_vs_uninstrumented", "allocations"}}
	if !env.Quick {
		// Each repetition is a fresh JVM with every class it loads
		// instrumented; five modes per program make the paper's 3+5 a long
		// wait, so: 1 throwaway, 3 counted (the metadata says so).
		env.Warmup, env.Reps = 1, 3
	}
	for _, p := range programs(env) {
		dir, err := os.MkdirTemp("", "dvmlab-table5-")
		if err != nil {
			return nil, err
		}
		med := map[string]time.Duration{}
		var allocs int64
		for _, m := range []mode{plain, inProcess, global, perThread, perGroup} {
			s, err := experiments.Repeat(env, p.Name+" "+m.name, func() (time.Duration, error) {
				d, n, err := run(ctx, p, m, filepath.Join(dir, "work"))
				if m == perThread {
					allocs = n
				}
				return d, err
			})
			if err != nil {
				os.RemoveAll(dir)
				return nil, err
			}
			med[m.name] = s.Median
		}
		os.RemoveAll(dir)
		ratio := func(a, b string) float64 { return float64(med[a]) / float64(med[b]) }
		t.Add(p.Name, med[plain.name], med[inProcess.name], med[global.name], med[perThread.name], med[perGroup.name],
			ratio(global.name, inProcess.name), ratio(perThread.name, inProcess.name), ratio(perGroup.name, inProcess.name),
			ratio(inProcess.name, plain.name), ratio(perThread.name, plain.name), allocs)
	}
	return []experiments.Table{t}, nil
}

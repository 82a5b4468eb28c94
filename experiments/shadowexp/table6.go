package shadowexp

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"dvmlab/core/shadow"
	"dvmlab/core/shadow/analyses"
	"dvmlab/datasets"
	"dvmlab/experiments"
)

// Table 6 of the ShadowVM paper measured FIA with HotSpot's JVMTI tag map
// made concurrent. HotSpot is not changed here: objects of the program's
// classes are known instead by an id field the instrumentation server
// injects (shadow.Config.IDField), which no lock guards, against the tag
// map, on sunflow rendering in N threads.
func init() {
	experiments.Register(fiaTable("table6", "Table 6: concurrent tagging", table6,
		"a synthetic workload (Parallel.java: fixed work split over N threads) and, with DVMLAB_TABLE6_SUNFLOW=1, sunflow (64x48, 8-pixel buckets) in 1, 2, 4, 8 threads under the ShadowVM FIA (per-thread ordering), objects identified by JVMTI tags vs by an injected id field, beside the in-process FIA: run time and time per identified object; on 2 cores, 4 and 8 threads measure contention, not scaling"))
}

//go:embed testdata/Parallel.java
var parallelSource []byte

// parallelProgram compiles Parallel.java into dir and returns the java
// command prefix that runs it.
func parallelProgram(dir string) ([]string, error) {
	home := os.Getenv("JAVA_HOME")
	javac, java := "javac", "java"
	if home != "" {
		javac, java = filepath.Join(home, "bin", "javac"), filepath.Join(home, "bin", "java")
	}
	src := filepath.Join(dir, "Parallel.java")
	if err := os.WriteFile(src, parallelSource, 0o644); err != nil {
		return nil, err
	}
	if out, err := exec.Command(javac, "-d", dir, src).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("javac Parallel.java: %v\n%s", err, out)
	}
	return []string{java, "-Xshare:off", "-cp", dir, "Parallel"}, nil
}

// workload is one program of Table 6 at a thread count.
type workload struct {
	name string
	java func(threads int) (cmd []string, dir string, env []string, done func(), err error)
}

func table6(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "tagging", Header: []string{"workload", "threads", "cores", "mode", "runs", "jvm_ms", "vs_in_process",
		"events", "tagged", "tag_ns_per_object", "by_id", "id_ns_per_object"}}
	threads := []int{1, 2, 4, 8}
	iterations := "400000"
	modes := []string{"in-process", "tag-map", "id-field"}
	reps := fiaReps(env, 1)
	if env.Quick {
		threads, iterations, modes = []int{1, 2}, "20000", modes[1:]
	}
	dir, err := os.MkdirTemp("", "dvmlab-table6-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	par, err := parallelProgram(dir)
	if err != nil {
		return nil, err
	}
	loads := []workload{{name: "parallel", java: func(n int) ([]string, string, []string, func(), error) {
		return append(append([]string{}, par...), strconv.Itoa(n), iterations), dir, nil, func() {}, nil
	}}}
	if base, ok := datasets.Lookup("sunflow"); ok && len(base.Missing()) == 0 && !env.Quick && os.Getenv("DVMLAB_TABLE6_SUNFLOW") != "" {
		// The scene is built in one thread (8 M events); the picture,
		// 64x48 in 8-pixel buckets, is rendered in N. Four to six
		// minutes a run on a shared 2-core machine: only on request.
		loads = append(loads, workload{name: "sunflow", java: func(n int) ([]string, string, []string, func(), error) {
			p := base
			p.Args = []string{"scene.png", "64", "48"}
			p.JVMFlags = append(append([]string{}, p.JVMFlags...), "-Ddvmlab.threads="+strconv.Itoa(n), "-Ddvmlab.bucket=8")
			cmd, done, err := p.Command(ctx, datasets.RunConfig{JVMFlags: []string{"-Xshare:off"}}, filepath.Join(dir, "work"))
			if err != nil {
				return nil, "", nil, nil, err
			}
			return append([]string{cmd.Path}, cmd.Args[1:]...), cmd.Dir, cmd.Env, done, nil
		}})
	}
	for _, w := range loads {
		for _, n := range threads {
			inProcessMs := 0.0
			for _, m := range modes {
				if w.name == "sunflow" && m == "in-process" {
					continue // a run is minutes; the synthetic rows have the in-process reference
				}
				var total time.Duration
				var events, tagged, tagNs, ids, idNs int64
				for i := 0; i < reps; i++ {
					env.Say("%s %d threads: %s run %d/%d", w.name, n, m, i+1, reps)
					java, wd, jenv, done, err := w.java(n)
					if err != nil {
						return nil, err
					}
					var out, errb bytes.Buffer
					res, err := shadow.Run(ctx, shadow.Config{Analysis: &analyses.FIA{}, Ordering: shadow.PerThread,
						InProcess: m == "in-process", IDField: m == "id-field", IdentifyTiming: m != "in-process",
						Java: java, Dir: wd, Env: jenv, Stdout: &out, Stderr: &errb})
					done()
					if err != nil {
						return nil, fmt.Errorf("%s %s: %v", w.name, m, err)
					}
					if res.ExitCode != 0 {
						return nil, fmt.Errorf("%s %s: exit %d\n%s", w.name, m, res.ExitCode, tail(errb.String()))
					}
					total += res.Elapsed
					events += res.Analysis.Events
					tagged += res.Analysis.Tagged
					tagNs += res.Analysis.TagNanos
					ids += res.Analysis.IDs
					idNs += res.Analysis.IDNanos
				}
				r := int64(reps)
				ms := float64(total.Milliseconds()) / float64(reps)
				if m == "in-process" {
					inProcessMs = ms
				}
				vs := 0.0
				if inProcessMs > 0 {
					vs = ms / inProcessMs
				}
				per := func(ns, n int64) float64 {
					if n == 0 {
						return 0
					}
					return float64(ns) / float64(n)
				}
				t.Add(w.name, n, runtime.NumCPU(), m, reps, ms, vs, events/r, tagged/r, per(tagNs, tagged), ids/r, per(idNs, ids))
			}
		}
	}
	paper := experiments.Table{Name: "paper", Header: []string{"benchmark", "in_process_ms", "threads4_ms", "threads4_overhead", "threads8_ms", "threads8_overhead"}}
	paper.Add("avrora", 141307, 606356, 4.29, 600930, 4.25)
	paper.Add("lusearch", 23693, 47843, 2.02, 27130, 1.15)
	paper.Add("xalan", 18631, 37322, 2.00, 18951, 1.02)
	return []experiments.Table{t, paper}, nil
}

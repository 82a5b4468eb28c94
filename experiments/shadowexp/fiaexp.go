package shadowexp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"dvmlab/core/shadow"
	"dvmlab/core/shadow/analyses"
	"dvmlab/datasets"
	"dvmlab/experiments"
)

// The ShadowVM paper's case study, the field immutability analysis (FIA),
// in process (java/lang/ShadowFIA) and out of process (analyses.FIA):
// Tables 2, 3, 4 and Table 5 in steady state. The paper ran ten DaCapo
// runs per cell, as the full forms of Tables 2, 3 and 4 do (the metadata
// and each table's runs column say how many).
func init() {
	experiments.Register(
		fiaTable("table2", "Table 2: garbage-collection perturbation under FIA", table2,
			"GC counts (young pauses; old: full pauses and concurrent cycles), allocated memory and final heap from -Xlog:gc and gc+heap+exit, -Xmx2g, uninstrumented / in-process FIA / ShadowVM FIA (per-thread), means over runs"),
		fiaTable("table3", "Table 3: allocations observed by FIA", table3,
			"allocations each FIA observes, mean and sample standard deviation over runs; ShadowVM's that in process cannot see counted apart: before VM init, in threads in-process never observed (daemon threads), and the rest at JDK-class sites"),
		fiaTable("table4", "Table 4: objects observed by only one FIA", table4,
			"objects one FIA observed and the other did not, matched by thread name, allocation site and per-site sequence number, beside the same count between two runs of one implementation (the noise floor); means over run pairs"),
		fiaTable("table5s", "Table 5 (steady state): FIA overhead, fifth iteration", table5s,
			"each workload iterated five times in one JVM, the fifth iteration timed by the driver: uninstrumented, in-process FIA, ShadowVM FIA per-thread and global; overheads against in process"),
	)
}

// fiaTable is one of the experiments of the FIA case study.
func fiaTable(name, title string, run func(context.Context, *experiments.Env) ([]experiments.Table, error), measure string) *experiments.Experiment {
	return &experiments.Experiment{Name: name, Title: title, Measure: measure, Run: run}
}

// fiaAll are the five of the paper's programs dvmlab has, in the order of
// the tables' rows.
var fiaAll = []string{"jlex", "cup", "xalan", "lucene", "sunflow"}

// fiaPrograms are the workloads to run now: JLex alone in quick mode, the
// five of fiaAll in the full form. Every field access of the JDK and the
// program is an event (jlex 1.5 M, cup 2.1 M, xalan 4.9 M; lucene 57 M,
// 4-6 minutes a run out of process on a shared 2-core machine), so
// DVMLAB_FIA_PROGRAMS (comma-separated) narrows the full form to some of
// them, e.g. to run each in its own job; the tables still show the runs
// kept of the others (runstore.go).
func fiaPrograms(env *experiments.Env) []datasets.Program {
	want := fiaAll
	if s := os.Getenv("DVMLAB_FIA_PROGRAMS"); s != "" && !env.Quick {
		want = strings.Split(s, ",")
	}
	if env.Quick {
		want = want[:1]
	}
	var out []datasets.Program
	for _, name := range want {
		p, ok := datasets.Lookup(name)
		if !ok {
			continue
		}
		if len(p.Missing()) > 0 {
			env.Say("%s: not installed, skipped", p.Name)
			continue
		}
		out = append(out, p)
	}
	return out
}

// tableRow is a program of a table: run is false when its row comes from
// kept runs alone.
type tableRow struct {
	name string
	prog datasets.Program
	run  bool
}

// tablePrograms are a table's rows: the programs to run now and those
// with runs kept in store, in fiaAll's order.
func tablePrograms(env *experiments.Env, store runStore) []tableRow {
	now := map[string]datasets.Program{}
	for _, p := range fiaPrograms(env) {
		now[p.Name] = p
	}
	kept := map[string]bool{}
	for _, n := range store.programs(fiaAll) {
		kept[n] = true
	}
	var rows []tableRow
	for _, n := range fiaAll {
		if p, ok := now[n]; ok {
			rows = append(rows, tableRow{name: n, prog: p, run: true})
			delete(now, n)
		} else if kept[n] {
			rows = append(rows, tableRow{name: n})
		}
	}
	for _, p := range fiaPrograms(env) { // named in DVMLAB_FIA_PROGRAMS, not in fiaAll
		if _, ok := now[p.Name]; ok {
			rows = append(rows, tableRow{name: p.Name, prog: p, run: true})
		}
	}
	return rows
}

// fiaRun is one run of a program, plain or under an FIA.
type fiaRun struct {
	elapsed time.Duration
	stderr  string
	fia     *analyses.FIA // nil for a plain run
	res     *shadow.Result
}

func runFIA(ctx context.Context, p datasets.Program, m mode, work string, flags ...string) (*fiaRun, error) {
	cfg := datasets.RunConfig{JVMFlags: append([]string{"-Xshare:off"}, flags...)}
	if !m.shadow {
		out, err := p.Run(ctx, cfg, work)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v", p.Name, m.name, err)
		}
		return &fiaRun{elapsed: out.Elapsed, stderr: out.Stderr}, nil
	}
	cmd, done, err := p.Command(ctx, cfg, work)
	if err != nil {
		return nil, err
	}
	defer done()
	var out, errb bytes.Buffer
	a := &analyses.FIA{}
	res, err := shadow.Run(ctx, shadow.Config{Analysis: a, Ordering: m.ordering, InProcess: m.inProcess,
		Java: append([]string{cmd.Path}, cmd.Args[1:]...), Dir: cmd.Dir, Env: cmd.Env, Stdin: cmd.Stdin, Stdout: &out, Stderr: &errb})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v", p.Name, m.name, err)
	}
	if res.ExitCode != 0 {
		return nil, fmt.Errorf("%s %s: exit %d\n%s", p.Name, m.name, res.ExitCode, tail(errb.String()))
	}
	return &fiaRun{elapsed: res.Elapsed, stderr: errb.String(), fia: a, res: res}, nil
}

// gcStats is what a -Xlog:gc,gc+heap+exit log says of a run.
type gcStats struct {
	young, old    int
	allocatedKB   float64
	finalHeapKB   float64
	usedAtExitKB  float64
	lastAfterKB   float64
	collectedKB   float64
	sawHeapAtExit bool
}

var (
	gcPause  = regexp.MustCompile(`Pause (Young|Full)[^\n]*? (\d+)([KMG])->(\d+)([KMG])\(`)
	gcCycle  = regexp.MustCompile(`Concurrent (Mark|Undo) Cycle \d`)
	heapExit = regexp.MustCompile(`heap\s+total (\d+)K, used (\d+)K`)
)

func kb(n, unit string) float64 {
	v, _ := strconv.ParseFloat(n, 64)
	switch unit {
	case "M":
		return v * 1024
	case "G":
		return v * 1024 * 1024
	}
	return v
}

// parseGC reads a GC log. Allocated memory is what the collections took
// from the heap since the previous one, plus what was in use at exit
// beyond what the last collection left (HotSpot's pause lines give sizes
// in whole megabytes).
func parseGC(text string) gcStats {
	var g gcStats
	var prevAfter float64
	for _, line := range strings.Split(text, "\n") {
		if m := gcPause.FindStringSubmatch(line); m != nil {
			if m[1] == "Young" {
				g.young++
			} else {
				g.old++
			}
			before, after := kb(m[2], m[3]), kb(m[4], m[5])
			g.collectedKB += before - prevAfter
			prevAfter = after
			continue
		}
		if gcCycle.MatchString(line) && strings.HasSuffix(strings.TrimSpace(line), "ms") {
			g.old++
			continue
		}
		if m := heapExit.FindStringSubmatch(line); m != nil {
			g.finalHeapKB = kb(m[1], "K")
			g.usedAtExitKB = kb(m[2], "K")
			g.sawHeapAtExit = true
		}
	}
	g.lastAfterKB = prevAfter
	g.allocatedKB = g.collectedKB + math.Max(0, g.usedAtExitKB-prevAfter)
	return g
}

// fiaRuns is the paper's number of runs per cell, that of the full forms
// of Tables 2, 3 and 4; DVMLAB_FIA_RUNS overrides it (a lucene or sunflow
// ShadowVM run takes 4-6 minutes on a shared 2-core machine).
const fiaRuns = 10

func fiaReps(env *experiments.Env, full int) int {
	if env.Quick {
		return 1
	}
	if n, err := strconv.Atoi(os.Getenv("DVMLAB_FIA_RUNS")); err == nil && n > 0 && full == fiaRuns {
		full = n
	}
	env.Warmup, env.Reps = 0, full
	return full
}

// gcRun is what Table 2 keeps of a run.
type gcRun struct {
	Young, Old               int
	AllocatedKB, FinalHeapKB float64
}

func table2(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "gc", Header: []string{"program", "mode", "runs", "gc_young", "gc_old",
		"allocated_kb", "final_heap_kb"}}
	reps := fiaReps(env, fiaRuns)
	store := storeFor(env, "gc")
	for _, row := range tablePrograms(env, store) {
		for _, m := range []mode{plain, inProcess, perThread} {
			var runs []gcRun
			have, err := store.load(row.name, m.name, reps, func(raw json.RawMessage) error {
				var g gcRun
				err := json.Unmarshal(raw, &g)
				runs = append(runs, g)
				return err
			})
			if err != nil {
				return nil, err
			}
			if have > 0 {
				env.Say("%s: %s: %d of %d runs kept from before", row.name, m.name, have, reps)
			}
			for i := have; i < reps && row.run; i++ {
				env.Say("%s: %s run %d/%d", row.name, m.name, i+1, reps)
				g, err := gcRunOf(ctx, row.prog, m)
				if err != nil {
					return nil, err
				}
				if err := store.save(row.name, m.name, i, g); err != nil {
					return nil, err
				}
				runs = append(runs, g)
			}
			if len(runs) == 0 {
				continue
			}
			var young, old, alloc, heap float64
			for _, g := range runs {
				young += float64(g.Young)
				old += float64(g.Old)
				alloc += g.AllocatedKB
				heap += g.FinalHeapKB
			}
			n := float64(len(runs))
			t.Add(row.name, m.name, len(runs), young/n, old/n, alloc/n, heap/n)
		}
	}
	return []experiments.Table{t, paperTable2()}, nil
}

// gcRunOf makes one run of p in mode m with a GC log and reads it.
func gcRunOf(ctx context.Context, p datasets.Program, m mode) (gcRun, error) {
	dir, err := os.MkdirTemp("", "dvmlab-table2-")
	if err != nil {
		return gcRun{}, err
	}
	defer os.RemoveAll(dir)
	log := filepath.Join(dir, "gc.log")
	if _, err := runFIA(ctx, p, m, filepath.Join(dir, "work"), "-Xmx2g", "-Xlog:gc,gc+heap+exit:file="+log); err != nil {
		return gcRun{}, err
	}
	data, err := os.ReadFile(log)
	if err != nil {
		return gcRun{}, err
	}
	g := parseGC(string(data))
	if !g.sawHeapAtExit {
		return gcRun{}, fmt.Errorf("%s %s: no heap summary at exit in the GC log", p.Name, m.name)
	}
	return gcRun{Young: g.young, Old: g.old, AllocatedKB: g.allocatedKB, FinalHeapKB: g.finalHeapKB}, nil
}

// coverage is one FIA run's allocations: by thread and site, before VM
// init by thread and site, in total.
type coverage struct {
	bySite map[string]int64 // "thread\tsite"
	early  map[string]int64
	total  int64
}

// mainThread names the thread that starts before VM init, which the agent
// can only call "<bootstrap>", as in process it is called: "main" (the
// few VM daemon threads started as early are never seen in process).
func normalizeThreads(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		if rest, ok := strings.CutPrefix(k, "<bootstrap>\t"); ok {
			k = "main\t" + rest
		}
		out[k] += v
	}
	return out
}

func coverageOf(r *fiaRun) coverage {
	c := coverage{bySite: normalizeThreads(r.fia.ThreadSiteCounts()), early: normalizeThreads(r.fia.EarlyThreadSiteCounts())}
	for _, v := range c.bySite {
		c.total += v
	}
	return c
}

// onlyIn counts the objects of a that b lacks, matched by thread, site and
// per-site sequence: the k-th allocation at a site in a thread matches the
// k-th in the other run, so per key the surplus is what only a saw.
func onlyIn(a, b map[string]int64) int64 {
	var n int64
	for k, v := range a {
		if d := v - b[k]; d > 0 {
			n += d
		}
	}
	return n
}

// exactBytecode are the JVM flags of the coverage runs: HotSpot's
// intrinsics whose Java fallbacks hold an instruction FIA observes. Once
// the JIT compiles a caller with the intrinsic, the allocation (new byte[]
// in Unsafe.allocateUninitializedArray0, new Object[] in Arrays.copyOf
// and copyOfRange) or field read (Reference.get's referent) happens
// without its bytecode, so neither FIA sees it, and how many each misses
// depends on when the JIT gets there, which differs in process and out of
// process: xalan's 368 objects "seen only in process" were 368 string
// concatenation buffers (StringConcatHelper's allocateUninitializedArray)
// that ShadowVM's run had compiled away; with that intrinsic off 7 remain, the
// noise floor. Tables 3 and 4 compare what each implementation can see,
// so both run every such instruction as bytecode (Tables 2 and 5 leave
// the JIT alone: they measure the perturbation of the real VM).
var exactBytecode = []string{"-XX:+UnlockDiagnosticVMOptions", "-XX:DisableIntrinsic=_allocateUninitializedArray,_copyOf,_copyOfRange,_Reference_get"}

// coverageMemo keeps the coverage runs of one process, by program: Tables
// 3 and 4 are two views of the same runs, so running both in one process
// (the REPL, or experiment run all) runs the FIAs once.
var coverageMemo = struct {
	sync.Mutex
	runs map[string][2][]coverage
}{runs: map[string][2][]coverage{}}

// keptCoverage is what a coverage run keeps (runstore.go).
type keptCoverage struct {
	BySite, Early map[string]int64
	Total         int64
}

// coverageRuns returns up to reps runs of each FIA on row's program: those
// made before in this process or kept in the store, and, when the row is
// run now, as many more as are missing (experiment run all --quick: Table
// 3's one pair, then Table 4's second, four runs, not six).
func coverageRuns(ctx context.Context, env *experiments.Env, row tableRow, reps int) (in, sh []coverage, err error) {
	coverageMemo.Lock()
	defer coverageMemo.Unlock()
	store := storeFor(env, "coverage")
	r := coverageMemo.runs[row.name]
	if have := len(r[0]); have > 0 {
		env.Say("%s: %d coverage runs of each FIA already made in this process", row.name, min(have, reps))
	} else {
		for k, m := range []mode{inProcess, perThread} {
			if _, err := store.load(row.name, m.name, reps, func(raw json.RawMessage) error {
				var c keptCoverage
				err := json.Unmarshal(raw, &c)
				r[k] = append(r[k], coverage{bySite: c.BySite, early: c.Early, total: c.Total})
				return err
			}); err != nil {
				return nil, nil, err
			}
		}
		n := min(len(r[0]), len(r[1])) // runs are made in pairs
		r = [2][]coverage{r[0][:n], r[1][:n]}
		if n > 0 {
			env.Say("%s: %d of %d coverage runs of each FIA kept from before", row.name, n, reps)
		}
		coverageMemo.runs[row.name] = r
	}
	if more := reps - len(r[0]); more > 0 && row.run {
		in, sh, err := runCoverage(ctx, env, store, row.prog, len(r[0]), reps, func(in, sh []coverage) {
			coverageMemo.runs[row.name] = [2][]coverage{append(r[0], in...), append(r[1], sh...)}
		})
		if err != nil {
			return nil, nil, err
		}
		r = [2][]coverage{append(r[0], in...), append(r[1], sh...)}
		coverageMemo.runs[row.name] = r
	}
	n := min(reps, len(r[0]))
	return r[0][:n], r[1][:n], nil
}

// runCoverage makes runs from+1 to reps of each FIA on p, keeping each
// pair in store as it is made and telling made about it, so that an error
// in a later run loses none of the earlier ones.
func runCoverage(ctx context.Context, env *experiments.Env, store runStore, p datasets.Program, from, reps int, made func(in, sh []coverage)) (in, sh []coverage, err error) {
	dir, err := os.MkdirTemp("", "dvmlab-coverage-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	for i := from; i < reps; i++ {
		var pair [2]coverage
		for k, m := range []mode{inProcess, perThread} {
			env.Say("%s: %s run %d/%d", p.Name, m.name, i+1, reps)
			r, err := runFIA(ctx, p, m, filepath.Join(dir, "work"), exactBytecode...)
			if err != nil {
				return in, sh, err
			}
			pair[k] = coverageOf(r)
		}
		for k, m := range []mode{inProcess, perThread} {
			c := pair[k]
			if err := store.save(p.Name, m.name, i, keptCoverage{BySite: c.bySite, Early: c.early, Total: c.total}); err != nil {
				return in, sh, err
			}
		}
		in, sh = append(in, pair[0]), append(sh, pair[1])
		made(in, sh)
	}
	return in, sh, nil
}

func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}

func isJDKSite(site string) bool {
	for _, p := range []string{"java/", "javax/", "jdk/", "sun/", "com/sun/"} {
		if strings.HasPrefix(site, p) {
			return true
		}
	}
	return false
}

func table3(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "allocations", Header: []string{"program", "runs", "in_process_mean", "in_process_sd_pct",
		"shadowvm_mean", "shadowvm_sd_pct", "shadowvm_before_vm_init", "shadowvm_unseen_threads", "shadowvm_jdk_sites_unmatched"}}
	reps := fiaReps(env, fiaRuns)
	for _, row := range tablePrograms(env, storeFor(env, "coverage")) {
		in, sh, err := coverageRuns(ctx, env, row, reps)
		if err != nil {
			return nil, err
		}
		if len(in) == 0 {
			continue
		}
		var inTot, shTot, early, unseen, jdk []float64
		for i := range in {
			inTot = append(inTot, float64(in[i].total))
			shTot = append(shTot, float64(sh[i].total))
			threads := map[string]bool{}
			for k := range in[i].bySite {
				threads[strings.SplitN(k, "\t", 2)[0]] = true
			}
			var e, u, j int64
			for k, v := range sh[i].bySite {
				th, site, _ := strings.Cut(k, "\t")
				ev := sh[i].early[k]
				e += ev
				live := v - ev
				if !threads[th] {
					u += live
					continue
				}
				if d := live - in[i].bySite[k]; d > 0 && isJDKSite(site) {
					j += d
				}
			}
			early = append(early, float64(e))
			unseen = append(unseen, float64(u))
			jdk = append(jdk, float64(j))
		}
		im, isd := meanSD(inTot)
		sm, ssd := meanSD(shTot)
		em, _ := meanSD(early)
		um, _ := meanSD(unseen)
		jm, _ := meanSD(jdk)
		t.Add(row.name, len(in), im, 100*isd/im, sm, 100*ssd/sm, em, um, jm)
	}
	return []experiments.Table{t, paperTable3()}, nil
}

func table4(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "unmatched", Header: []string{"program", "runs", "only_in_process", "only_in_process_pct",
		"only_shadowvm", "only_shadowvm_pct", "noise_in_process", "noise_in_process_pct", "noise_shadowvm", "noise_shadowvm_pct"}}
	reps := max(2, fiaReps(env, fiaRuns)) // the noise floor needs two runs of each
	for _, row := range tablePrograms(env, storeFor(env, "coverage")) {
		in, sh, err := coverageRuns(ctx, env, row, reps)
		if err != nil {
			return nil, err
		}
		if len(in) < 2 {
			env.Say("%s: %d coverage runs of each FIA, the noise floor needs two: no row", row.name, len(in))
			continue
		}
		var oi, os_, ni, ns, ti, ts []float64
		for i := range in {
			oi = append(oi, float64(onlyIn(in[i].bySite, sh[i].bySite)))
			os_ = append(os_, float64(onlyIn(sh[i].bySite, in[i].bySite)))
			ti = append(ti, float64(in[i].total))
			ts = append(ts, float64(sh[i].total))
			if i+1 < len(in) {
				// Both directions of one pair, halved: the noise of one run.
				ni = append(ni, float64(onlyIn(in[i].bySite, in[i+1].bySite)+onlyIn(in[i+1].bySite, in[i].bySite))/2)
				ns = append(ns, float64(onlyIn(sh[i].bySite, sh[i+1].bySite)+onlyIn(sh[i+1].bySite, sh[i].bySite))/2)
			}
		}
		m := func(xs []float64) float64 { v, _ := meanSD(xs); return v }
		t.Add(row.name, len(in), m(oi), 100*m(oi)/m(ti), m(os_), 100*m(os_)/m(ts), m(ni), 100*m(ni)/m(ti), m(ns), 100*m(ns)/m(ts))
	}
	return []experiments.Table{t, paperTable4()}, nil
}

var iterationLine = regexp.MustCompile(`dvmlab iteration (\d+): ([0-9.]+) ms`)

// iterationTime is the time the driver reports for iteration n.
func iterationTime(stderr string, n int) (time.Duration, error) {
	for _, m := range iterationLine.FindAllStringSubmatch(stderr, -1) {
		if k, _ := strconv.Atoi(m[1]); k == n {
			ms, _ := strconv.ParseFloat(m[2], 64)
			return time.Duration(ms * float64(time.Millisecond)), nil
		}
	}
	return 0, fmt.Errorf("no iteration %d reported", n)
}

func table5s(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "steady", Header: []string{"program", "runs", "iterations", "uninstrumented_ms", "in_process_ms",
		"thread_ms", "thread_overhead", "global_ms", "global_overhead"}}
	// Quick: two iterations, the second timed, and no global ordering, to
	// stay within a minute; the full form times the fifth of five.
	iterations := 5
	modes := []mode{plain, inProcess, perThread, global}
	if env.Quick {
		iterations, modes = 2, modes[:3]
	}
	// Five iterations a run, three runs per cell in the full form, the
	// median kept: one iteration of one run is at the mercy of a shared
	// machine and of where the in-process FIA's GC pauses fall (cup's
	// in-process fifth iteration took 10.3 s in one run, 3.0 and 4.6 s in
	// two others).
	reps := fiaReps(env, 3)
	for _, base := range fiaPrograms(env) {
		p := base.Iterated(iterations)
		dir, err := os.MkdirTemp("", "dvmlab-table5s-")
		if err != nil {
			return nil, err
		}
		med := map[string]time.Duration{}
		for _, m := range modes {
			var times []time.Duration
			for i := 0; i < reps; i++ {
				env.Say("%s: %s run %d/%d", p.Name, m.name, i+1, reps)
				r, err := runFIA(ctx, p, m, filepath.Join(dir, "work"))
				if err != nil {
					os.RemoveAll(dir)
					return nil, err
				}
				d, err := iterationTime(r.stderr, iterations)
				if err != nil {
					os.RemoveAll(dir)
					return nil, fmt.Errorf("%s %s: %v; stderr ends:\n%s", p.Name, m.name, err, tail(r.stderr))
				}
				times = append(times, d)
			}
			slices.Sort(times)
			med[m.name] = times[len(times)/2]
		}
		os.RemoveAll(dir)
		ratio := func(a, b string) float64 {
			if med[a] == 0 || med[b] == 0 {
				return 0
			}
			return float64(med[a]) / float64(med[b])
		}
		t.Add(base.Name, reps, iterations, med[plain.name], med[inProcess.name], med[perThread.name], ratio(perThread.name, inProcess.name),
			med[global.name], ratio(global.name, inProcess.name))
	}
	return []experiments.Table{t, paperTable5()}, nil
}

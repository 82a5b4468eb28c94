// Package monitor measures the DVM's remote monitoring and profiling
// services (paper §3.3) on the datasets' programs: each program run plain,
// with the monitor service, the profile service, both, and JaCoCo's agent
// for coverage, side by side in one run under -Xverify:all with identical
// output required; the fraction of the methods of the classes that ran
// that never ran (the paper: 10-30% of downloaded code is never invoked),
// and of the basic blocks of the methods that ran, those that never ran;
// and the events per second the monitoring server and its console sustain
// from concurrent clients, a load generator speaking the monitor's wire
// protocol standing in for JVMs.
package monitor

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/proxy"
	dvmruntime "dvmlab/core/runtime"
	"dvmlab/core/service"
	_ "dvmlab/core/service/monitor"
	_ "dvmlab/core/service/profile"
	"dvmlab/datasets"
	"dvmlab/experiments"
)

// JaCoCoJars are Debian libjacoco-java's agent and what it needs. Debian
// ships the agent unshaded and without a Premain-Class, so the experiment
// writes a jar that names them (see jacocoAgent).
var JaCoCoJars = []string{"/usr/share/java/org.jacoco.agent.rt.jar", "/usr/share/java/org.jacoco.core.jar",
	"/usr/share/java/asm.jar", "/usr/share/java/asm-commons.jar", "/usr/share/java/asm-tree.jar"}

// jacocoAgent writes an agent jar whose manifest starts JaCoCo's agent
// from Debian's jars; the options keep JaCoCo from instrumenting itself
// and ASM, which share the application's class loader here.
func jacocoAgent(dir string) (jar, options string, err error) {
	var urls []string
	for _, j := range JaCoCoJars {
		if _, err := os.Stat(j); err != nil {
			return "", "", fmt.Errorf("JaCoCo: %w (install Debian libjacoco-java: make deps)", err)
		}
		urls = append(urls, "file:"+j)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("META-INF/MANIFEST.MF")
	if err != nil {
		return "", "", err
	}
	fmt.Fprintf(w, "Manifest-Version: 1.0\r\nPremain-Class: org.jacoco.agent.rt.internal.PreMain\r\nClass-Path: %s\r\n\r\n",
		wrapManifest(strings.Join(urls, " ")))
	if err := zw.Close(); err != nil {
		return "", "", err
	}
	jar = filepath.Join(dir, "jacoco-agent.jar")
	return jar, "excludes=org.jacoco.*:org.objectweb.asm.*", os.WriteFile(jar, buf.Bytes(), 0o644)
}

// wrapManifest continues a manifest value over lines of at most 72 bytes.
func wrapManifest(v string) string {
	var sb strings.Builder
	line := len("Class-Path: ")
	for i := 0; i < len(v); i++ {
		if line == 72 {
			sb.WriteString("\r\n ")
			line = 1
		}
		sb.WriteByte(v[i])
		line++
	}
	return sb.String()
}

func init() {
	experiments.Register(&experiments.Experiment{Name: "monitor", Title: "§3.3: remote monitoring and the profiler",
		Measure: "run time plain / monitor / profile / both / JaCoCo; methods never run; monitoring server events/s against clients",
		Run:     Run})
}

// Configs are the ways each program runs, in order.
var Configs = []string{"plain", "monitor", "profile", "monitor+profile", "jacoco"}

// configs are the Configs a run measures: all, or those DVMLAB_MONITOR_CONFIGS
// names (comma-separated; plain and profile always, for the baseline and
// the code never run). With the monitor every client waits for the server
// to store each event, so jython and sunflow (tens and hundreds of
// millions of events) reach the run limit (runLimit); "plain,profile"
// gives the code never run of every program in minutes.
func configs() ([]string, error) {
	v := os.Getenv("DVMLAB_MONITOR_CONFIGS")
	if v == "" {
		return Configs, nil
	}
	want := map[string]bool{"plain": true, "profile": true}
	for _, c := range strings.Split(v, ",") {
		if !slices.Contains(Configs, c) {
			return nil, fmt.Errorf("DVMLAB_MONITOR_CONFIGS: no configuration %q (%s)", c, strings.Join(Configs, ", "))
		}
		want[c] = true
	}
	var out []string
	for _, c := range Configs {
		if want[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// Run is the experiment.
func Run(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	progs := datasets.All()
	// One counted run of each program in each configuration: with the
	// monitor on, jython and sunflow send tens of millions of events, and
	// a run of them takes minutes. DVMLAB_MONITOR_REPS asks for more.
	warm, reps := 0, 1
	if n, err := strconv.Atoi(os.Getenv("DVMLAB_MONITOR_REPS")); err == nil && n > 0 {
		warm, reps = min(env.Warmup, 1), n
	}
	loadLevels, loadFor := []int{1, 10, 50}, 5*time.Second
	if env.Quick {
		progs = progs[:2] // jlex, cup
		warm, reps = 0, 1
		loadLevels, loadFor = []int{50}, 2*time.Second
	}
	env.Warmup, env.Reps = warm, reps
	work, err := os.MkdirTemp("", "dvmlab-monitor-exp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	srv, err := startServer(filepath.Join(work, "audit.db"))
	if err != nil {
		return nil, err
	}
	defer srv.close()
	rt := filepath.Join(work, "rt.jar")
	var buf bytes.Buffer
	if err := dvmruntime.WriteJar(&buf); err != nil {
		return nil, err
	}
	if err := os.WriteFile(rt, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return nil, err
	}
	defer jdk.Close()

	limit, err := runLimit()
	if err != nil {
		return nil, err
	}
	env.Say("each run stopped at %v (DVMLAB_MONITOR_LIMIT)", limit)
	times := experiments.Table{Name: "overhead", Header: []string{"program", "mode", "median_ms", "vs_plain", "identical", "events_stored", "events_dropped", "calls_profiled", "stopped_at_limit"}}
	unused := experiments.Table{Name: "unused", Header: []string{"program", "classes_ran", "methods", "never_run", "fraction",
		"blocks", "blocks_never_run", "block_fraction", "profile_stopped_at_limit"}}
	for _, p := range progs {
		if m := p.Missing(); len(m) > 0 {
			env.Say("%s: skipped, needs %v", p.Name, m)
			continue
		}
		rows, u, err := measureProgram(ctx, env, p, jdk, rt, srv, work, warm, reps, limit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		times.Rows = append(times.Rows, rows...)
		unused.Rows = append(unused.Rows, u)
	}
	load := experiments.Table{Name: "load", Header: []string{"clients", "seconds", "events", "events_per_s", "batches", "console_snapshots"}}
	for _, n := range loadLevels {
		r, err := Load(ctx, n, loadFor)
		if err != nil {
			return nil, fmt.Errorf("load with %d clients: %w", n, err)
		}
		env.Say("load: %d clients, %.0f events/s stored (%d events in %d batches), console read %d times", n, r.PerSecond, r.Events, r.Batches, r.Snapshots)
		load.Add(n, r.Elapsed.Seconds(), r.Events, r.PerSecond, r.Batches, r.Snapshots)
	}
	return []experiments.Table{times, unused, load}, nil
}

// server is a monitoring server on loopback over a fresh audit trail.
type server struct {
	url   string
	mon   *proxy.MonitorServer
	audit *proxy.Audit
	hs    *http.Server
}

func startServer(db string) (*server, error) {
	a, err := proxy.OpenAudit(db)
	if err != nil {
		return nil, err
	}
	signer, err := proxy.NewSigner("")
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{mon: proxy.NewMonitorServer(a, signer), audit: a}
	s.hs = &http.Server{Handler: s.mon}
	go s.hs.Serve(l)
	s.url = "http://" + l.Addr().String() + proxy.MonitorPath
	return s, nil
}

func (s *server) close() {
	s.hs.Close()
	s.audit.Close()
}

// rewrite writes the program's jars through the services into dir.
func rewrite(p datasets.Program, services string, jdk classpath.Finder, dir string) (map[string]string, error) {
	pl, err := service.Parse(services)
	if err != nil {
		return nil, err
	}
	if pl.Exclude, err = service.ParseClassPatterns(p.ReadsOwnClasses); err != nil {
		return nil, err
	}
	for _, d := range p.Classpath(datasets.RunConfig{}) {
		if src, err := classpath.Open(d); err == nil {
			defer src.Close()
			pl.Classpath = append(pl.Classpath, src)
		}
	}
	pl.Classpath = append(pl.Classpath, jdk)
	out := map[string]string{}
	for _, j := range p.Jars {
		dst := filepath.Join(dir, filepath.Base(j))
		st, err := pl.RewritePath(j, dst, nil)
		if err != nil {
			return nil, err
		}
		if len(st.Errors) > 0 {
			return nil, fmt.Errorf("rewriting %s with %s: %v", j, services, st.Errors[0])
		}
		out[j] = dst
	}
	return out, nil
}

func measureProgram(ctx context.Context, env *experiments.Env, p datasets.Program, jdk classpath.Finder, rt string, srv *server,
	work string, warm, reps int, limit time.Duration) ([][]string, []string, error) {
	replace := map[string]map[string]string{}
	cfgs, err := configs()
	if err != nil {
		return nil, nil, err
	}
	for _, c := range cfgs {
		if c == "plain" || c == "jacoco" {
			continue
		}
		dir := filepath.Join(work, p.Name+"-"+strings.ReplaceAll(c, "+", "-"))
		services := strings.ReplaceAll(c, "+", ",")
		r, err := rewrite(p, services, jdk, dir)
		if err != nil {
			return nil, nil, err
		}
		replace[c] = r
	}
	agent, agentOpts, err := jacocoAgent(work)
	if err != nil {
		return nil, nil, err
	}
	elapsed := map[string][]time.Duration{}
	identical := map[string]bool{}
	dropped := map[string]int64{}
	// A configuration any of whose runs reached the limit: its time is a
	// lower bound, its events those stored by then.
	stopped := map[string]bool{}
	var want *datasets.Output
	for rep := 0; rep < warm+reps; rep++ {
		for _, c := range cfgs {
			session := fmt.Sprintf("%s-%s-%d", p.Name, c, rep)
			cfg := datasets.RunConfig{JVMFlags: []string{"-Xverify:all"}}
			switch c {
			case "plain":
			case "jacoco":
				cfg.JVMFlags = append(cfg.JVMFlags, "-javaagent:"+agent+"="+agentOpts+",destfile="+filepath.Join(work, session+".exec"))
			default:
				cfg.JVMFlags = append(cfg.JVMFlags, "-Ddvmlab.monitor.url="+srv.url, "-Ddvmlab.session="+session)
				cfg.Replace, cfg.ExtraClasspath = replace[c], []string{rt}
			}
			dir := filepath.Join(work, "run-"+session)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, nil, err
			}
			out, stop, err := runLimited(ctx, p, cfg, dir, limit)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", c, err)
			}
			os.RemoveAll(dir)
			if stop {
				stopped[c] = true
				if rep >= warm {
					elapsed[c] = append(elapsed[c], limit)
				}
				env.Say("%s %s rep %d: stopped at the limit, %v", p.Name, c, rep, limit)
				continue
			}
			if err := p.Check(out); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", c, err)
			}
			// The runtime's own lines (events dropped: the server did not
			// keep up) are not the program's output.
			var ours []string
			out.Stderr, ours = runtimeLines(out.Stderr)
			if want == nil {
				want = out
			}
			same := want.Diff(out) == ""
			if _, ok := identical[c]; !ok {
				identical[c] = same
			}
			identical[c] = identical[c] && same
			if n, ok := droppedIn(ours); ok {
				dropped[c] += n
			}
			if rep >= warm {
				elapsed[c] = append(elapsed[c], out.Elapsed)
			}
			env.Say("%s %s rep %d: %v", p.Name, c, rep, out.Elapsed.Round(time.Millisecond))
		}
	}
	plain := median(elapsed["plain"])
	var rows [][]string
	for _, c := range cfgs {
		m := median(elapsed[c])
		events, calls := int64(0), int64(0)
		if c != "plain" && c != "jacoco" {
			session := fmt.Sprintf("%s-%s-%d", p.Name, c, warm)
			cs, err := srv.audit.EventCounts(proxy.EventQuery{Session: session})
			if err != nil {
				return nil, nil, err
			}
			for _, x := range cs {
				events += x.Enter + x.Exit + x.Unwind
			}
			es, err := srv.audit.Edges(session)
			if err != nil {
				return nil, nil, err
			}
			for _, e := range es {
				calls += e.Count
			}
		}
		same := "n/a" // no run completed: nothing to compare
		if v, ok := identical[c]; ok {
			same = strconv.FormatBool(v)
		}
		t := experiments.Table{}
		t.Add(p.Name, c, m, float64(m)/float64(plain), same, events, dropped[c]/int64(warm+reps), calls, stopped[c])
		rows = append(rows, t.Rows[0])
	}
	// Methods never run: the profile of the first counted run.
	session := fmt.Sprintf("%s-profile-%d", p.Name, warm)
	never, total, err := srv.audit.Unused(session)
	if err != nil {
		return nil, nil, err
	}
	classes := map[string]bool{}
	for _, m := range never {
		classes[m[:strings.LastIndexByte(m[:strings.IndexByte(m, '(')], '.')]] = true
	}
	ran, err := srv.audit.FirstUse(session)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range ran {
		classes[m[:strings.LastIndexByte(m[:strings.IndexByte(m, '(')], '.')]] = true
	}
	frac := 0.0
	if total > 0 {
		frac = float64(len(never)) / float64(total)
	}
	// Blocks never run, of the methods that ran.
	nb, btotal, err := srv.audit.UnusedBlocks(session)
	if err != nil {
		return nil, nil, err
	}
	bfrac := 0.0
	if btotal > 0 {
		bfrac = float64(len(nb)) / float64(btotal)
	}
	env.Say("%s: %d of %d methods of the %d classes that ran never ran (%.1f%%); %d of %d blocks of the methods that ran never ran (%.1f%%)",
		p.Name, len(never), total, len(classes), 100*frac, len(nb), btotal, 100*bfrac)
	t := experiments.Table{}
	t.Add(p.Name, len(classes), total, len(never), frac, btotal, len(nb), bfrac, stopped["profile"])
	return rows, t.Rows[0], nil
}

// runtimeLines splits the client runtime's lines off stderr.
func runtimeLines(stderr string) (rest string, ours []string) {
	var keep []string
	for _, line := range strings.SplitAfter(stderr, "\n") {
		if strings.HasPrefix(line, "dvmlab monitor: ") {
			ours = append(ours, line)
		} else {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, ""), ours
}

// droppedIn reads the client's count of dropped events from its lines.
func droppedIn(lines []string) (int64, bool) {
	for _, line := range lines {
		var n int64
		if _, err := fmt.Sscanf(line, "dvmlab monitor: %d events dropped", &n); err == nil {
			return n, true
		}
	}
	return 0, false
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// LoadResult is what a load run measured.
type LoadResult struct {
	Clients   int
	Elapsed   time.Duration
	Events    int64
	Batches   int64
	PerSecond float64
	Snapshots int64
}

// Load runs a monitoring server over a fresh audit trail and n clients
// that each send batches of 8,192 method events (the client runtime's
// buffer) as fast as the server takes them, for d, while a console reads
// the server's state ten times a second. It counts the events stored.
func Load(ctx context.Context, n int, d time.Duration) (*LoadResult, error) {
	dir, err := os.MkdirTemp("", "dvmlab-monitor-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(filepath.Join(dir, "audit.db"))
	if err != nil {
		return nil, err
	}
	defer srv.close()
	const perBatch = 8192
	methods := make([]string, 64)
	for i := range methods {
		methods[i] = fmt.Sprintf("load/App%d.method%d(ILjava/lang/String;)V", i%8, i)
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var events, batches atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}, Timeout: time.Minute}
	t0 := time.Now()
	for c := 0; c < n; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seq := int64(0)
			for ctx.Err() == nil {
				evs := make([]proxy.MethodEvent, 0, perBatch)
				for i := 0; len(evs) < perBatch; i++ {
					m := methods[(c+i)%len(methods)]
					evs = append(evs, proxy.MethodEvent{Kind: "enter", Method: m}, proxy.MethodEvent{Kind: "exit", Method: m})
				}
				var body bytes.Buffer
				proxy.EncodeEvents(&body, 1, seq, nil, evs)
				req, _ := http.NewRequest(http.MethodPost, srv.url, &body)
				req.Header.Set(proxy.SessionHeader, fmt.Sprintf("load-%d", c))
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						once.Do(func() { firstErr = err })
					}
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					once.Do(func() { firstErr = fmt.Errorf("server answered %s", resp.Status) })
					return
				}
				seq += int64(len(evs))
				events.Add(int64(len(evs)))
				batches.Add(1)
			}
		}()
	}
	var snaps atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				srv.mon.Snapshot(10)
				snaps.Add(1)
			}
		}
	}()
	wg.Wait()
	el := time.Since(t0)
	if firstErr != nil {
		return nil, firstErr
	}
	r, err := srv.audit.VerifyChain(nil)
	if err != nil {
		return nil, err
	}
	if len(r.Faults) > 0 || r.Events != events.Load() {
		return nil, fmt.Errorf("after the load: %d events acknowledged, %d stored, faults %v", events.Load(), r.Events, r.Faults)
	}
	return &LoadResult{Clients: n, Elapsed: el, Events: events.Load(), Batches: batches.Load(),
		PerSecond: float64(events.Load()) / el.Seconds(), Snapshots: snaps.Load()}, nil
}

// Package figures registers the experiments behind the DVM paper's
// evaluation (Figures 5-11 and the proxy overhead of §4.1.2), each on the
// real programs of package datasets and a real JVM.
package figures

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/netsim"
	"dvmlab/core/proxy"
	dvmruntime "dvmlab/core/runtime"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
	_ "dvmlab/core/service/verify"
	"dvmlab/core/verify"
	"dvmlab/datasets"
	"dvmlab/experiments"
	"dvmlab/experiments/compare"
	"dvmlab/experiments/overhead"
	"dvmlab/experiments/proxyload"
	"dvmlab/experiments/simulate"
)

func init() {
	experiments.Register(&experiments.Experiment{Name: "fig5", Title: "Figure 5: the benchmark programs",
		Measure: "classes, bytes and methods of each program's own jars", Run: fig5})
	experiments.Register(&experiments.Experiment{Name: "overhead", Title: "§4.1.2: proxy overhead per application",
		Measure: "parse + services + emit of every class of a program, uncached, and serving them all from the cache", Run: overheadExp})
	experiments.Register(&experiments.Experiment{Name: "fig10", Title: "Figure 10: proxy throughput against clients",
		Measure: "classes/s through one proxy on loopback, cache off, by concurrent clients; continued to 100,000 clients and several replicas by the discrete-event model calibrated on measured service times", Run: fig10})
	experiments.Register(&experiments.Experiment{Name: "fig11", Title: "Figure 11: start-up time against link bandwidth",
		Measure: "invocation to exit through a shaped origin link, class by class and as jars, beside the model's prediction", Run: fig11})
	experiments.Register(&experiments.Experiment{Name: "fig7", Title: "Figure 7: client-side verification time, monolithic and DVM",
		Measure: "a program's run with HotSpot's verifier on and off (the difference is the client's verification), and rewritten by the verify service with the client's verifier off (what the link checks cost)", Run: fig7})
	experiments.Register(&experiments.Experiment{Name: "fig8", Title: "Figure 8: static and dynamic checks",
		Measure: "checks the verifier discharges at the proxy and checks it leaves to the client, per program", Run: fig8})
	experiments.Register(&experiments.Experiment{Name: "fig6", Title: "Figure 6: end-to-end time, monolithic and DVM",
		Measure: "a program's run on a stock JVM with its verifier, and through the proxy uncached and cached with verification at the proxy", Run: fig6})
}

// programs are the ones an experiment covers: the DVM paper's own two in
// quick mode, every installed one otherwise.
func programs(env *experiments.Env, quick ...string) []datasets.Program {
	var out []datasets.Program
	for _, p := range datasets.All() {
		if len(p.Missing()) > 0 {
			env.Say("skipping %s: %v missing", p.Name, p.Missing())
			continue
		}
		if env.Quick && !slices.Contains(quick, p.Name) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func fig5(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "benchmarks", Header: []string{"program", "package", "description", "jars", "classes", "bytes", "methods", "code_bytes"}}
	for _, p := range programs(env, "jlex", "cup") {
		var classes, bytes, methods, code int
		for _, j := range p.Jars {
			src, err := classpath.Open(j)
			if err != nil {
				return nil, err
			}
			err = src.Walk(func(name string, data []byte) error {
				c, err := classfile.Parse(data)
				if err != nil {
					return fmt.Errorf("%s: %s: %w", j, name, err)
				}
				classes++
				bytes += len(data)
				methods += len(c.Methods)
				for _, m := range c.Methods {
					if k := m.Code(); k != nil {
						code += len(k.Code)
					}
				}
				return nil
			})
			src.Close()
			if err != nil {
				return nil, err
			}
		}
		env.Say("%s: %d classes, %d bytes", p.Name, classes, bytes)
		t.Add(p.Name, p.Package, p.Description, len(p.Jars), classes, bytes, methods, code)
	}
	return []experiments.Table{t}, nil
}

// pipeline is the proxy's pipeline for an experiment, with a hierarchy
// from the program's class path and the JDK.
func pipeline(spec string, frames bool, p datasets.Program) (*service.Pipeline, func(), error) {
	pl, err := service.Parse(spec)
	if err != nil {
		return nil, nil, err
	}
	pl.RecomputeFrames = frames
	h, done, err := hierarchyOf(p)
	if err != nil {
		return nil, nil, err
	}
	pl.Hierarchy = h
	return pl, done, nil
}

func overheadExp(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "overhead", Header: []string{"program", "services", "classes", "bytes",
		"uncached_ms", "uncached_min_ms", "uncached_max_ms", "cached_ms", "cached_min_ms", "cached_max_ms", "uncached_us_per_class"}}
	const spec = "coverage"
	for _, p := range programs(env, "jlex", "cup") {
		pl, done, err := pipeline(spec, true, p)
		if err != nil {
			return nil, err
		}
		var row overhead.Row
		var cached []time.Duration
		un, err := experiments.Repeat(env, p.Name+" uncached", func() (time.Duration, error) {
			dir, err := os.MkdirTemp("", "dvmlab-overhead-")
			if err != nil {
				return 0, err
			}
			defer os.RemoveAll(dir)
			row, err = overhead.Measure(p.Name, p.Jars, pl, dir)
			cached = append(cached, row.Cached)
			return row.Uncached, err
		})
		done()
		if err != nil {
			return nil, err
		}
		// The cached reads happened within the same repetitions.
		cs := cached[len(cached)-len(un.Times):]
		sorted := slices.Clone(cs)
		slices.Sort(sorted)
		t.Add(p.Name, spec+"+frames", row.Classes, row.Bytes, un.Median, un.Min, un.Max,
			sorted[len(sorted)/2], sorted[0], sorted[len(sorted)-1],
			float64(un.Median.Microseconds())/float64(max(1, row.Classes)))
	}
	return []experiments.Table{t}, nil
}

func fig10(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return nil, err
	}
	defer jdk.Close()
	dir, err := os.MkdirTemp("", "dvmlab-fig10-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// Different classes for different requests, as many clients loading
	// different programs would ask: java.base's, served by an origin.
	limit, levels, requests := 2000, []int{1, 10, 50, 100, 250, 500, 1000}, 3000
	modelClients, replicas := []int{1, 10, 100, 1000, 10000, 100000}, []int{1, 2, 4, 8}
	if env.Quick {
		limit, levels, requests = 300, []int{1, 10, 50}, 300
		modelClients, replicas = []int{1, 100, 10000}, []int{1, 4}
	}
	var paths []string
	var classes [][]byte
	err = jdk.Module("java.base").Walk(func(name string, data []byte) error {
		if name == "module-info" || len(paths) >= limit {
			return nil
		}
		f := filepath.Join(dir, filepath.FromSlash(name)+".class")
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return err
		}
		paths = append(paths, "/"+name+".class")
		classes = append(classes, data)
		return os.WriteFile(f, data, 0o644)
	})
	if err != nil {
		return nil, err
	}
	pl, err := service.Parse("coverage")
	if err != nil {
		return nil, err
	}
	pl.Classpath = []classpath.Finder{jdk}
	cache, _ := proxy.OpenCache("")
	px := proxy.New(pl, cache, nil)
	measured := experiments.Table{Name: "measured", Header: []string{"clients", "requests", "failed", "classes_per_s", "classes_per_s_min", "classes_per_s_max", "mb_per_s", "p50_ms", "p99_ms"}}
	for _, level := range levels {
		var rows []proxyload.Row
		_, err := experiments.Repeat(env, fmt.Sprintf("%d clients", level), func() (time.Duration, error) {
			r, err := proxyload.Run(ctx, proxyload.Config{Proxy: px, Origin: &proxy.Origin{Dir: dir}, Paths: paths, Levels: []int{level}, Requests: requests})
			if err != nil {
				return 0, err
			}
			if r[0].Failed > 0 {
				return 0, fmt.Errorf("%d clients: %d of %d requests failed", level, r[0].Failed, r[0].Requests)
			}
			rows = append(rows, r[0])
			return r[0].Elapsed, nil
		})
		if err != nil {
			return nil, err
		}
		rows = rows[len(rows)-env.Reps:]
		rates := make([]float64, len(rows))
		for i, r := range rows {
			rates[i] = r.ClassesPerSec()
		}
		slices.Sort(rates)
		med := rows[0]
		for _, r := range rows {
			if r.ClassesPerSec() == rates[len(rates)/2] {
				med = r
			}
		}
		measured.Add(level, med.Requests, med.Failed, rates[len(rates)/2], rates[0], rates[len(rates)-1], med.MBPerSec(), med.P50, med.P99)
	}
	// Calibrate the model on what one request costs here: the pipeline on
	// the same classes, timed once warm.
	service, err := simulate.TimeEach(pl, classes)
	if err != nil {
		return nil, err
	}
	// The pipeline alone is only part of what a request costs on this
	// machine, where the load generator and the origin share the cores: the
	// distribution's shape comes from the pipeline, its mean from the
	// measured peak (service demand = cores / peak throughput).
	workers := runtime.NumCPU()
	peak := 0.0
	for _, r := range measured.Rows {
		var v float64
		fmt.Sscan(r[3], &v)
		peak = max(peak, v)
	}
	var sum time.Duration
	for _, d := range service {
		sum += d
	}
	scale := float64(workers) / peak / (sum.Seconds() / float64(len(service)))
	for i := range service {
		service[i] = time.Duration(float64(service[i]) * scale)
	}
	env.Say("model: pipeline times scaled by %.2f to a service demand of %.3f ms per request", scale, float64(workers)/peak*1000)
	model := experiments.Table{Name: "model", Header: []string{"replicas", "workers", "clients", "classes_per_s", "p50_ms", "p99_ms", "utilization"}}
	for _, r := range replicas {
		for _, n := range modelClients {
			m := netsim.ProxyModel{Service: service, Replicas: r, Workers: workers, ClassesPerClient: 20, Seed: 1}
			res, err := m.Run(n)
			if err != nil {
				return nil, err
			}
			env.Say("model: %d replicas, %d clients: %.0f classes/s", r, n, res.Throughput)
			model.Add(r, workers, n, res.Throughput, res.P50, res.P99, res.Utilization)
		}
	}
	return []experiments.Table{measured, model}, nil
}

func fig11(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	links := []string{"28.8kbps", "56kbps", "128kbps", "512kbps", "1mbps", "10mbps"}
	if env.Quick {
		links = []string{"1mbps", "10mbps"}
	}
	// A run over 28.8 kb/s takes half a minute: one throwaway and three
	// counted repetitions here, not the paper's three and five.
	env = &experiments.Env{Quick: env.Quick, Warmup: min(env.Warmup, 1), Reps: min(env.Reps, 3), Progress: env.Progress}
	measured := experiments.Table{Name: "measured", Header: []string{"program", "mode", "link", "kbps", "startup_ms", "min_ms", "max_ms", "repetitions"}}
	model := experiments.Table{Name: "model", Header: []string{"program", "mode", "link", "kbps", "startup_ms"}}
	// Slow links make every run long: the paper's own two programs, and
	// JLex alone in quick mode.
	names := []string{"jlex", "cup"}
	if env.Quick {
		names = names[:1]
	}
	for _, name := range names {
		p, _ := datasets.Lookup(name)
		if m := p.Missing(); len(m) > 0 {
			return nil, fmt.Errorf("%s: missing %v (run make deps)", name, m)
		}
		prof, err := simulate.Measure(ctx, p)
		if err != nil {
			return nil, err
		}
		// The model's fixed cost per request, calibrated on an unshaped
		// link: what class-at-a-time start-up costs beyond local start-up,
		// spread over the classes fetched.
		perRequest := time.Duration(0)
		for _, mode := range []string{"class", "jar"} {
			unshaped, err := startup(ctx, env, p, mode, "")
			if err != nil {
				return nil, err
			}
			if mode == "class" {
				perRequest = max(0, (unshaped.Median-prof.Local)/time.Duration(len(prof.Classes)))
			}
			for _, l := range links {
				s, err := startup(ctx, env, p, mode, l)
				if err != nil {
					return nil, err
				}
				rate, _ := netsim.ParseRate(l)
				measured.Add(p.Name, mode, l, rate*8/1000, s.Median, s.Min, s.Max, len(s.Times))
			}
		}
		rows, err := simulate.Startup(prof, links, 0, perRequest)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			model.Add(p.Name, "class", r.Link, r.BytesPerSec*8/1000, r.ClassByClass)
			model.Add(p.Name, "jar", r.Link, r.BytesPerSec*8/1000, r.Jar)
		}
	}
	return []experiments.Table{measured, model}, nil
}

// startup measures p's start-up through a deployment with the origin's
// link shaped to rate, loading class by class or as jars.
func startup(ctx context.Context, env *experiments.Env, p datasets.Program, mode, rate string) (experiments.Stats, error) {
	d, err := compare.Deploy(p, compare.DeployConfig{Services: "none", Link: rate, Classes: mode == "class", CacheDir: ""})
	if err != nil {
		return experiments.Stats{}, err
	}
	defer d.Close()
	work, err := os.MkdirTemp("", "dvmlab-fig11-")
	if err != nil {
		return experiments.Stats{}, err
	}
	defer os.RemoveAll(work)
	name := fmt.Sprintf("%s %s over %s", p.Name, mode, map[bool]string{true: "an unshaped link", false: rate}[rate == ""])
	return experiments.Repeat(env, name, func() (time.Duration, error) {
		out, err := d.Run(ctx, work)
		if err != nil {
			return 0, err
		}
		return out.Elapsed, nil
	})
}

func fig6(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	if !slices.Contains(service.Names(), "verify") {
		return nil, fmt.Errorf("needs the verify service (core/service/verify), which this build does not have")
	}
	t := experiments.Table{Name: "endtoend", Header: []string{"program", "mode", "median_ms", "min_ms", "max_ms", "identical"}}
	for _, p := range programs(env, "jlex") {
		modes, err := compare.Run(ctx, p, compare.Config{Services: "verify", Runs: env.Reps, Progress: env.Progress})
		if err != nil {
			return nil, err
		}
		for _, m := range modes {
			lo, hi := m.Spread()
			t.Add(p.Name, m.Name, m.Median(), lo, hi, m.Identical)
		}
	}
	return []experiments.Table{t}, nil
}

func fig8(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "checks", Header: []string{"program", "classes", "static", "dynamic", "dynamic_per_class", "static_percent", "rejected"}}
	for _, p := range programs(env, "jlex", "cup") {
		h, closeH, err := hierarchyOf(p)
		if err != nil {
			return nil, err
		}
		classes, static, dynamic, rejected := 0, 0, 0, 0
		for _, j := range p.Jars {
			src, err := classpath.Open(j)
			if err != nil {
				closeH()
				return nil, err
			}
			err = src.Walk(func(name string, data []byte) error {
				r := verify.Verify(data, h)
				classes++
				static += r.Static
				dynamic += r.Deferred
				if r.Err != nil {
					rejected++
				}
				return nil
			})
			src.Close()
			if err != nil {
				closeH()
				return nil, err
			}
		}
		closeH()
		env.Say("%s: %d classes, %d static, %d dynamic", p.Name, classes, static, dynamic)
		t.Add(p.Name, classes, static, dynamic, float64(dynamic)/float64(max(1, classes)), 100*float64(static)/float64(max(1, static+dynamic)), rejected)
	}
	return []experiments.Table{t}, nil
}

// hierarchyOf is a hierarchy over p's class path and the JDK.
func hierarchyOf(p datasets.Program) (*classpath.Hierarchy, func(), error) {
	path, err := p.OpenClasspath()
	if err != nil {
		return nil, nil, err
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		path.Close()
		return nil, nil, err
	}
	return classpath.NewHierarchy(path, jdk), func() { path.Close(); jdk.Close() }, nil
}

func fig7(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	t := experiments.Table{Name: "verification", Header: []string{"program", "monolithic_verify_on_ms", "monolithic_verify_off_ms",
		"dvm_verify_off_ms", "client_verification_ms", "dvm_client_checks_ms"}}
	rtFile, err := os.CreateTemp("", "dvmlab-rt-*.jar")
	if err != nil {
		return nil, err
	}
	defer os.Remove(rtFile.Name())
	if err := dvmruntime.WriteJar(rtFile); err != nil {
		return nil, err
	}
	rtFile.Close()
	off := []string{"-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote"}
	for _, p := range programs(env, "jlex") {
		pl, done, err := pipeline("verify", false, p)
		if err != nil {
			return nil, err
		}
		dir, err := os.MkdirTemp("", "dvmlab-fig7-")
		if err != nil {
			done()
			return nil, err
		}
		replace := map[string]string{}
		for _, j := range p.Jars {
			out := filepath.Join(dir, filepath.Base(j))
			if _, err := pl.RewritePath(j, out, nil); err != nil {
				done()
				os.RemoveAll(dir)
				return nil, err
			}
			replace[j] = out
		}
		done()
		work := filepath.Join(dir, "work")
		run := func(what string, cfg datasets.RunConfig) (experiments.Stats, error) {
			return experiments.Repeat(env, p.Name+" "+what, func() (time.Duration, error) {
				out, err := p.Run(ctx, cfg, work)
				if err != nil {
					return 0, err
				}
				return out.Elapsed, nil
			})
		}
		on, err := run("verifier on", datasets.RunConfig{})
		if err == nil {
			var offS, dvm experiments.Stats
			if offS, err = run("verifier off", datasets.RunConfig{JVMFlags: off}); err == nil {
				if dvm, err = run("DVM, verifier off", datasets.RunConfig{JVMFlags: off, Replace: replace, ExtraClasspath: []string{rtFile.Name()}}); err == nil {
					t.Add(p.Name, on.Median, offS.Median, dvm.Median, max(0, on.Median-offS.Median), max(0, dvm.Median-offS.Median))
				}
			}
		}
		os.RemoveAll(dir)
		if err != nil {
			return nil, err
		}
	}
	return []experiments.Table{t}, nil
}

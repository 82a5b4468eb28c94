// Package compare runs one real program two ways, side by side: monolithic
// (a stock JVM loading the program's jars itself and verifying them with
// its own verifier) and distributed (the same JVM with only the launcher,
// fetching the program from an origin through the DVM proxy, which runs the
// static services). It is the workbench's view of the DVM paper's Figure 6
// for one program, with the parameters a user picks.
package compare

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/netsim"
	"dvmlab/core/proxy"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/datasets"
)

// Config is what to compare.
type Config struct {
	// Services is the proxy's pipeline ("none", "coverage", "verify", …).
	Services string
	// Frames recomputes every method's frames at the proxy.
	Frames bool
	// Link shapes the origin's link ("" or "off": unshaped), e.g. "1mbps".
	Link string
	// Runs is how many counted runs each mode gets after a warm-up run.
	Runs int
	// Progress, if set, gets a line per run.
	Progress io.Writer
}

// Mode is one way of running the program and what it took.
type Mode struct {
	Name  string
	Times []time.Duration // the counted runs
	// Identical says whether every run's output equals the monolithic
	// run's; Diff is the first difference otherwise.
	Identical bool
	Diff      string
	// Served and Rewritten count what the proxy handled in one run.
	Served, Rewritten int64
}

// Median of the counted runs.
func (m Mode) Median() time.Duration {
	if len(m.Times) == 0 {
		return 0
	}
	t := slices.Clone(m.Times)
	sort.Slice(t, func(i, j int) bool { return t[i] < t[j] })
	return t[len(t)/2]
}

// Spread is the fastest and slowest counted run.
func (m Mode) Spread() (lo, hi time.Duration) {
	if len(m.Times) == 0 {
		return 0, 0
	}
	return slices.Min(m.Times), slices.Max(m.Times)
}

// Deployment is a program set up the DVM's way on loopback: an origin
// holding its jars (or their classes, for class-at-a-time loading) behind an
// optionally shaped link, and a proxy running a pipeline with a cache. Run
// starts a stock JVM holding only the launcher.
type Deployment struct {
	p        datasets.Program
	Proxy    *proxy.Proxy
	rc       datasets.RunConfig
	tmp      string
	stops    []func()
	jdk      *classpath.JDK
	services string
}

// DeployConfig says how to deploy.
type DeployConfig struct {
	Services string // the proxy's pipeline
	Frames   bool
	Link     string // the origin's link rate; "" unshaped
	// Classes serves the program as loose classes, fetched one at a time
	// on first use, instead of as jars.
	Classes bool
	// CacheDir is the proxy's cache; "" remembers nothing.
	CacheDir string
}

// Deploy sets p up; Close takes it down.
func Deploy(p datasets.Program, cfg DeployConfig) (d *Deployment, err error) {
	if missing := p.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("%s: missing %s (install Debian package %s)", p.Name, strings.Join(missing, ", "), p.Package)
	}
	if cfg.Services == "" {
		cfg.Services = "none"
	}
	var link netsim.Link
	if cfg.Link != "" {
		rate, err := netsim.ParseRate(cfg.Link)
		if err != nil {
			return nil, err
		}
		link.BytesPerSec = rate
	}
	pl, err := service.Parse(cfg.Services)
	if err != nil {
		return nil, err
	}
	pl.RecomputeFrames = cfg.Frames
	d = &Deployment{p: p, services: cfg.Services}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	if d.jdk, err = classpath.OpenJDK(""); err != nil {
		return nil, err
	}
	pl.Classpath = []classpath.Finder{d.jdk}
	if d.tmp, err = os.MkdirTemp("", "dvmlab-deploy-"); err != nil {
		return nil, err
	}
	urls, stopOrigin, err := serveProgram(p, filepath.Join(d.tmp, "site"), link, cfg.Classes)
	if err != nil {
		return nil, err
	}
	d.stops = append(d.stops, stopOrigin)
	launcher := filepath.Join(d.tmp, "launcher.jar")
	var lj bytes.Buffer
	if err := runtime.WriteLauncherJar(&lj); err != nil {
		return nil, err
	}
	if err := os.WriteFile(launcher, lj.Bytes(), 0o644); err != nil {
		return nil, err
	}
	cache, err := proxy.OpenCache(cfg.CacheDir)
	if err != nil {
		return nil, err
	}
	d.Proxy = proxy.New(pl, cache, nil)
	addr, stop, err := serveLoopback(d.Proxy)
	if err != nil {
		return nil, err
	}
	d.stops = append(d.stops, stop)
	host, port, _ := net.SplitHostPort(addr)
	var flags []string
	// With the verifier at the proxy the client's own is redundant, which
	// is where the DVM saves client time (paper §4.1).
	if slices.Contains(strings.Split(cfg.Services, ","), "verify") {
		flags = append(flags, "-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote")
	}
	d.rc = datasets.RunConfig{
		JVMFlags: flags,
		Launch: []string{"-Dhttp.proxyHost=" + host, "-Dhttp.proxyPort=" + port, "-Dhttp.nonProxyHosts=",
			"-cp", launcher, "dvmlab.runtime.Launcher", strings.Join(urls, ",")},
	}
	return d, nil
}

// Run runs the program once through the deployment, in workDir.
func (d *Deployment) Run(ctx context.Context, workDir string) (*datasets.Output, error) {
	out, err := d.p.Run(ctx, d.rc, workDir)
	if err != nil {
		return nil, fmt.Errorf("%s through the proxy: %w", d.p.Name, err)
	}
	return out, nil
}

// Close stops the servers and removes the deployment's files.
func (d *Deployment) Close() {
	for _, s := range d.stops {
		s()
	}
	if d.jdk != nil {
		d.jdk.Close()
	}
	if d.tmp != "" {
		os.RemoveAll(d.tmp)
	}
}

// Run compares p monolithic, through the proxy with no cache (every class
// rewritten on the way), and through the proxy with a warm cache.
func Run(ctx context.Context, p datasets.Program, cfg Config) ([]Mode, error) {
	if missing := p.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("%s: missing %s (install Debian package %s)", p.Name, strings.Join(missing, ", "), p.Package)
	}
	if cfg.Runs <= 0 {
		cfg.Runs = 3
	}
	if cfg.Services == "" {
		cfg.Services = "none"
	}
	if _, err := service.Parse(cfg.Services); err != nil {
		return nil, err
	}
	if cfg.Link != "" {
		if _, err := netsim.ParseRate(cfg.Link); err != nil {
			return nil, err
		}
	}
	tmp, err := os.MkdirTemp("", "dvmlab-compare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	work := filepath.Join(tmp, "work")
	say := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}

	// Monolithic: the stock JVM with its own verifier, as deployed today.
	mono := Mode{Name: "monolithic", Identical: true}
	var ref *datasets.Output
	for i := -1; i < cfg.Runs; i++ {
		out, err := p.Run(ctx, datasets.RunConfig{}, work)
		if err != nil {
			return nil, err
		}
		if ref == nil {
			ref = out
		}
		if i >= 0 {
			mono.Times = append(mono.Times, out.Elapsed)
			say("%s monolithic run %d/%d: %v", p.Name, i+1, cfg.Runs, out.Elapsed.Round(time.Millisecond))
		}
	}

	// cacheDir "" is a proxy that remembers nothing between runs.
	distributed := func(name, cacheDir string) (Mode, error) {
		d, err := Deploy(p, DeployConfig{Services: cfg.Services, Frames: cfg.Frames, Link: cfg.Link, CacheDir: cacheDir})
		if err != nil {
			return Mode{}, err
		}
		defer d.Close()
		px := d.Proxy
		m := Mode{Name: name, Identical: true}
		for i := -1; i < cfg.Runs; i++ {
			before, rewritten := px.Requests.Load(), px.Rewritten.Load()
			out, err := d.Run(ctx, work)
			if err != nil {
				return Mode{}, err
			}
			if d := ref.Diff(out); d != "" {
				m.Identical, m.Diff = false, d
			}
			if i >= 0 {
				m.Times = append(m.Times, out.Elapsed)
				m.Served, m.Rewritten = px.Requests.Load()-before, px.Rewritten.Load()-rewritten
				say("%s %s run %d/%d: %v, %d requests", p.Name, name, i+1, cfg.Runs, out.Elapsed.Round(time.Millisecond), m.Served)
			}
		}
		return m, nil
	}
	uncached, err := distributed("DVM uncached", "")
	if err != nil {
		return nil, err
	}
	// The warm-up run fills the cache; the counted runs are served from it.
	cached, err := distributed("DVM cached", filepath.Join(tmp, "cache"))
	if err != nil {
		return nil, err
	}
	return []Mode{mono, uncached, cached}, nil
}

// serveProgram copies the program's jars under dir, or with classes set
// their class files, and serves them from a loopback origin; urls are their
// addresses in class-path order.
func serveProgram(p datasets.Program, dir string, link netsim.Link, classes bool) (urls []string, stop func(), err error) {
	addr, stop, err := serveLoopback(&proxy.Origin{Dir: dir, Link: link})
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	base := "http://" + addr + "/"
	for i, j := range p.Classpath(datasets.RunConfig{}) {
		// A directory per jar keeps equal names apart.
		sub := filepath.Join(dir, strconv.Itoa(i))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return nil, nil, err
		}
		if classes {
			// Every entry, not only classes: programs read resources too.
			if err := unzip(j, sub); err != nil {
				return nil, nil, err
			}
			urls = append(urls, base+strconv.Itoa(i)+"/")
			continue
		}
		data, err := os.ReadFile(j)
		if err != nil {
			return nil, nil, err
		}
		rel := filepath.Join(strconv.Itoa(i), filepath.Base(j))
		if err := os.WriteFile(filepath.Join(dir, rel), data, 0o644); err != nil {
			return nil, nil, err
		}
		urls = append(urls, base+filepath.ToSlash(rel))
	}
	return urls, stop, nil
}

// unzip extracts a jar's files under dir, refusing names that would land
// outside it.
func unzip(jar, dir string) error {
	z, err := zip.OpenReader(jar)
	if err != nil {
		return err
	}
	defer z.Close()
	for _, f := range z.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name := filepath.Clean(filepath.FromSlash(f.Name))
		if filepath.IsAbs(name) || strings.HasPrefix(name, "..") {
			return fmt.Errorf("%s: entry %q leaves the jar's directory", jar, f.Name)
		}
		out := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		r, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %s: %w", jar, f.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(r, 256<<20))
		r.Close()
		if err != nil {
			return fmt.Errorf("%s: %s: %w", jar, f.Name, err)
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// serveLoopback serves h on a free loopback port until stop is called.
func serveLoopback(h http.Handler) (addr string, stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "compare: server on %s: %v\n", l.Addr(), err)
		}
	}()
	return l.Addr().String(), func() { srv.Close() }, nil
}

// Print writes the modes side by side, with ratios to the monolithic run.
func Print(w io.Writer, p datasets.Program, cfg Config, modes []Mode) {
	link := cfg.Link
	if link == "" {
		link = "unshaped"
	}
	fmt.Fprintf(w, "%s: services %s%s, origin link %s, median of %d runs\n", p.Name, cfg.Services,
		map[bool]string{true: "+frames"}[cfg.Frames], link, len(modes[0].Times))
	spread := len(modes[0].Times) > 1
	if spread {
		fmt.Fprintf(w, "  %-14s %9s %9s %9s %7s %8s  %s\n", "mode", "median", "fastest", "slowest", "ratio", "requests", "output")
	} else {
		fmt.Fprintf(w, "  %-14s %9s %7s %8s  %s\n", "mode", "time", "ratio", "requests", "output")
	}
	base := modes[0].Median()
	for _, m := range modes {
		lo, hi := m.Spread()
		out := "identical"
		if !m.Identical {
			out = "DIFFERS: " + m.Diff
		}
		req := "-"
		if m.Name != "monolithic" {
			req = strconv.FormatInt(m.Served, 10)
		}
		ratio := fmt.Sprintf("%.2fx", float64(m.Median())/float64(base))
		r := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
		if spread {
			fmt.Fprintf(w, "  %-14s %9v %9v %9v %7s %8s  %s\n", m.Name, r(m.Median()), r(lo), r(hi), ratio, req, out)
		} else {
			fmt.Fprintf(w, "  %-14s %9v %7s %8s  %s\n", m.Name, r(m.Median()), ratio, req, out)
		}
	}
}

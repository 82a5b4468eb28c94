// Package compare runs one real program two ways, side by side: monolithic
// (a stock JVM loading the program's jars itself and verifying them with
// its own verifier) and distributed (the same JVM with only the launcher,
// fetching the program from an origin through the DVM proxy, which runs the
// static services). It is the workbench's view of the DVM paper's Figure 6
// for one program, with the parameters a user picks.
package compare

import (
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
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return nil, err
	}
	defer jdk.Close()
	pl.Classpath = []classpath.Finder{jdk}

	tmp, err := os.MkdirTemp("", "dvmlab-compare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	urls, stopOrigin, err := serveProgram(p, filepath.Join(tmp, "site"), link)
	if err != nil {
		return nil, err
	}
	defer stopOrigin()
	launcher := filepath.Join(tmp, "launcher.jar")
	var lj bytes.Buffer
	if err := runtime.WriteLauncherJar(&lj); err != nil {
		return nil, err
	}
	if err := os.WriteFile(launcher, lj.Bytes(), 0o644); err != nil {
		return nil, err
	}

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

	// With the verifier at the proxy the client's own is redundant, which
	// is where the DVM saves client time (paper §4.1).
	var clientFlags []string
	if slices.Contains(strings.Split(cfg.Services, ","), "verify") {
		clientFlags = append(clientFlags, "-XX:-BytecodeVerificationRemote")
	}
	// cacheDir "" is a proxy that remembers nothing between runs.
	distributed := func(name, cacheDir string) (Mode, error) {
		cache, err := proxy.OpenCache(cacheDir)
		if err != nil {
			return Mode{}, err
		}
		px := proxy.New(pl, cache, nil)
		addr, stop, err := serveLoopback(px)
		if err != nil {
			return Mode{}, err
		}
		defer stop()
		host, port, _ := net.SplitHostPort(addr)
		rc := datasets.RunConfig{
			JVMFlags: clientFlags,
			Launch: []string{"-Dhttp.proxyHost=" + host, "-Dhttp.proxyPort=" + port, "-Dhttp.nonProxyHosts=",
				"-cp", launcher, "dvmlab.runtime.Launcher", strings.Join(urls, ",")},
		}
		m := Mode{Name: name, Identical: true}
		for i := -1; i < cfg.Runs; i++ {
			before, rewritten := px.Requests.Load(), px.Rewritten.Load()
			out, err := p.Run(ctx, rc, work)
			if err != nil {
				return Mode{}, fmt.Errorf("%s through the proxy: %w", name, err)
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

// serveProgram copies the program's jars under dir and serves them from a
// loopback origin; urls are the jars' addresses in class-path order.
func serveProgram(p datasets.Program, dir string, link netsim.Link) (urls []string, stop func(), err error) {
	addr, stop, err := serveLoopback(&proxy.Origin{Dir: dir, Link: link})
	if err != nil {
		return nil, nil, err
	}
	base := "http://" + addr + "/"
	for i, j := range p.Classpath(datasets.RunConfig{}) {
		data, err := os.ReadFile(j)
		if err != nil {
			stop()
			return nil, nil, err
		}
		// A directory per jar keeps equal base names apart.
		rel := filepath.Join(strconv.Itoa(i), filepath.Base(j))
		if err := os.MkdirAll(filepath.Join(dir, strconv.Itoa(i)), 0o755); err != nil {
			stop()
			return nil, nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, rel), data, 0o644); err != nil {
			stop()
			return nil, nil, err
		}
		urls = append(urls, base+filepath.ToSlash(rel))
	}
	return urls, stop, nil
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

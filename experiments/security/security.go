// Package security is the experiment behind the DVM paper's Figure 9: the
// cost of security checks on system resource accesses under a policy that
// permits them, for a stock JVM (baseline, no checks), JDK 17's
// SecurityManager with a permitting policy, and the DVM's security service
// (the first check, which downloads the subject's part of the policy from
// the proxy's security server, and the later, cached ones).
package security

import (
	"archive/zip"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"dvmlab/core/classpath"
	"dvmlab/core/proxy"
	dvmruntime "dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/core/service/security"
	"dvmlab/experiments"
)

//go:embed Bench.java
var benchSource string

//go:embed policy.xml
var dvmPolicy string

//go:embed sm.policy
var smPolicy string

func init() {
	experiments.Register(&experiments.Experiment{Name: "fig9", Title: "Figure 9: security checks, monolithic and DVM",
		Measure: "ns per system resource access under a permitting policy: no checks, JDK 17's SecurityManager, the DVM's first check (policy download) and later checks; medians over batches after 50 warm-up batches in each JVM, one JVM per row, column and repetition; Read File's first check comes after the open's, which downloaded the policy",
		Run:     Run})
}

// Rows are the paper's benchmarks and the two the issue adds.
var Rows = []struct{ Name, Label string }{
	{"getproperty", "Get Property"},
	{"openfile", "Open File"},
	{"readfile", "Read File"},
	{"priority", "Change Thread Priority"},
	{"exit", "System.exit (check alone)"},
	{"connect", "Socket connect"},
}

func java() string {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		return filepath.Join(h, "bin", "java")
	}
	return "java"
}

func javac() string {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		return filepath.Join(h, "bin", "javac")
	}
	return "javac"
}

// result is one JVM's answer: the first operation and the median.
type result struct{ first, median float64 }

func parse(out string) (result, error) {
	var r result
	var got int
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) != 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "first":
			r.first, got = v, got|1
		case "median":
			r.median, got = v, got|2
		}
	}
	if got != 3 {
		return r, fmt.Errorf("benchmark printed no first and median: %q", out)
	}
	return r, nil
}

func run(ctx context.Context, args ...string) (result, error) {
	cmd := exec.CommandContext(ctx, java(), args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("java %s: %v\n%s", strings.Join(args, " "), err, e.String())
	}
	return parse(o.String())
}

// Run is the experiment.
func Run(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	dir, err := os.MkdirTemp("", "dvmlab-fig9-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "src")
	site := filepath.Join(dir, "site")
	data := filepath.Join(dir, "data")
	for _, d := range []string{src, site, data} {
		os.MkdirAll(d, 0o755)
	}
	os.WriteFile(filepath.Join(src, "Bench.java"), []byte(benchSource), 0o644)
	if out, err := exec.CommandContext(ctx, javac(), "-nowarn", "-Xlint:none", "-d", src, filepath.Join(src, "Bench.java")).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("javac: %v\n%s", err, out)
	}
	benchJar := filepath.Join(site, "bench.jar")
	if err := jarDir(src, benchJar); err != nil {
		return nil, err
	}
	file := filepath.Join(data, "data.bin")
	os.WriteFile(file, bytes.Repeat([]byte("0123456789abcdef"), 4096), 0o644)

	// The origin, and the proxy with the security service and server.
	polFile := filepath.Join(dir, "policy.xml")
	os.WriteFile(polFile, []byte(strings.ReplaceAll(dvmPolicy, "DATADIR", data)), 0o644)
	smFile := filepath.Join(dir, "sm.policy")
	os.WriteFile(smFile, []byte(strings.NewReplacer("BENCHJAR", benchJar, "DATADIR", data).Replace(smPolicy)), 0o644)
	sec, err := proxy.NewSecurityServer(polFile)
	if err != nil {
		return nil, err
	}
	pol, _, _ := sec.Current()
	pipe := &service.Pipeline{Services: []service.Service{security.New(pol)}}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return nil, err
	}
	defer jdk.Close()
	pipe.Classpath = []classpath.Finder{jdk}
	cache, err := proxy.OpenCache("")
	if err != nil {
		return nil, err
	}
	px := proxy.New(pipe, cache, nil)
	px.Security = sec
	originURL, stopO, err := listen(&proxy.Origin{Dir: site})
	if err != nil {
		return nil, err
	}
	defer stopO()
	proxyURL, stopP, err := listen(px)
	if err != nil {
		return nil, err
	}
	defer stopP()
	var rt bytes.Buffer
	if err := dvmruntime.WriteJar(&rt); err != nil {
		return nil, err
	}
	rtJar := filepath.Join(dir, "rt.jar")
	os.WriteFile(rtJar, rt.Bytes(), 0o644)
	ph, pp, _ := net.SplitHostPort(proxyURL)

	// Each JVM warms itself up (50 batches, 10 quick) before the counted
	// ones; the repetitions are fresh JVMs, none thrown away.
	warm, batches := "50", "41"
	if env.Quick {
		warm, batches = "10", "11"
	}
	env.Warmup = 0
	columns := []struct {
		name string
		args func(row string) []string
	}{
		{"baseline", func(row string) []string { return []string{"-cp", benchJar, "Bench", row, file, warm, batches} }},
		{"jdk", func(row string) []string {
			return []string{"-Djava.security.manager", "-Djava.security.policy==" + smFile, "-cp", benchJar, "Bench", row, file, warm, batches}
		}},
		{"dvm", func(row string) []string {
			return []string{"-Dhttp.proxyHost=" + ph, "-Dhttp.proxyPort=" + pp, "-Dhttp.nonProxyHosts=", "-cp", rtJar,
				"dvmlab.runtime.Launcher", "http://" + originURL + "/bench.jar", "Bench", row, file, warm, batches}
		}},
	}
	runs := experiments.Table{Name: "runs", Header: []string{"row", "column", "repetition", "first_ns", "median_ns"}}
	fig := experiments.Table{Name: "fig9", Header: []string{"row", "label", "baseline_ns", "jdk_ns", "jdk_overhead_ns",
		"dvm_first_ns", "dvm_later_ns", "dvm_overhead_ns", "baseline_first_ns"}}
	reps := env.Reps
	for _, r := range Rows {
		got := map[string][]result{}
		for rep := 0; rep < reps; rep++ {
			for _, c := range columns {
				res, err := run(ctx, c.args(r.Name)...)
				if err != nil {
					return nil, fmt.Errorf("%s, %s: %w", r.Label, c.name, err)
				}
				got[c.name] = append(got[c.name], res)
				runs.Add(r.Name, c.name, rep+1, res.first, res.median)
			}
		}
		med := func(col string, first bool) float64 {
			var v []float64
			for _, x := range got[col] {
				if first {
					v = append(v, x.first)
				} else {
					v = append(v, x.median)
				}
			}
			slices.Sort(v)
			return v[len(v)/2]
		}
		base, jdkv, later := med("baseline", false), med("jdk", false), med("dvm", false)
		fig.Add(r.Name, r.Label, base, jdkv, jdkv-base, med("dvm", true), later, later-base, med("baseline", true))
		env.Say("%-26s baseline %9.1f  jdk %9.1f  dvm first %11.1f  dvm later %9.1f  ns/op", r.Label, base, jdkv, med("dvm", true), later)
	}
	return []experiments.Table{fig, runs}, nil
}

// listen serves h on a loopback port; it returns host:port and a stop.
func listen(h http.Handler) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	return l.Addr().String(), func() { srv.Close() }, nil
}

// jarDir writes the .class files of dir into a jar.
func jarDir(dir, jar string) error {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".class") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		w, err := zw.Create(e.Name())
		if err != nil {
			return err
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(jar, b.Bytes(), 0o644)
}

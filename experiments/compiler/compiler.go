// Package compiler is the network compiler's experiment (issue 14): library
// kernels under HotSpot's interpreter (-Xint), the interpreter calling our
// native code (the DVM's client without a JIT), C1 alone, C2 (the default
// tiered JVM), and our code in a default JVM; the first call and the steady
// state; each as a ratio to C2.
package compiler

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	"dvmlab/core/service/compile"
	"dvmlab/experiments"
)

//go:embed CompilerBench.java
var benchSource []byte

// Jars are the libraries the kernels come from.
var Jars = []string{"/usr/share/java/jzlib.jar", "/usr/share/java/bcprov.jar", "/usr/share/java/commons-math3.jar",
	"/usr/share/java/lucene-core-4.10.4.jar", "/usr/share/java/sunflow.jar"}

// KernelClasses are the classes compiled: the kernels' own (and SHA-256's
// superclass, whose update loop calls the block function). The rest of each
// library loads from the original jar behind them on the class path, as it
// would from an origin the proxy did not rewrite; compiling all of
// Bouncy Castle would cost minutes and change nothing measured.
var KernelClasses = map[string][]string{
	"/usr/share/java/jzlib.jar":              {"com/jcraft/jzlib/Adler32", "com/jcraft/jzlib/CRC32"},
	"/usr/share/java/bcprov.jar":             {"org/bouncycastle/crypto/digests/SHA256Digest", "org/bouncycastle/crypto/digests/GeneralDigest"},
	"/usr/share/java/commons-math3.jar":      {"org/apache/commons/math3/transform/FastFourierTransformer"},
	"/usr/share/java/lucene-core-4.10.4.jar": {"org/apache/lucene/util/BitUtil"},
	"/usr/share/java/sunflow.jar":            {"org/sunflow/math/PerlinScalar"},
}

// Kernels are CompilerBench's.
var Kernels = []string{"adler32", "crc32", "sha256", "fft", "zigzag", "perlin"}

// Config is one way of running: which class path, which JVM options.
type Config struct {
	Name     string
	Compiled bool // the classes the compile service rewrote
	Options  []string
}

var Configs = []Config{
	{"xint", false, []string{"-Xint"}},
	{"xint+native", true, []string{"-Xint"}},
	{"c1", false, []string{"-XX:TieredStopAtLevel=1"}},
	{"c2", false, nil},
	{"native", true, nil},
}

func init() {
	experiments.Register(&experiments.Experiment{
		Name:    "compiler",
		Title:   "The network compiler: kernels as native code against HotSpot's interpreter, C1 and C2",
		Measure: "first call and steady-state time per kernel and configuration; ratio to C2; JNI call cost",
		Run:     run,
	})
}

func java() string {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		return filepath.Join(h, "bin", "java")
	}
	return "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"
}

func run(ctx context.Context, env *experiments.Env) ([]experiments.Table, error) {
	dir, err := os.MkdirTemp("", "dvmlab-compiler-exp")
	if err != nil {
		return nil, err
	}
	if os.Getenv("DVMLAB_COMPILER_KEEP") != "" {
		env.Say("keeping the driver and the compiled classes in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	// The driver, compiled against the original jars.
	src := filepath.Join(dir, "CompilerBench.java")
	if err := os.WriteFile(src, benchSource, 0o644); err != nil {
		return nil, err
	}
	drv := filepath.Join(dir, "driver")
	javac := filepath.Join(filepath.Dir(java()), "javac")
	if out, err := exec.CommandContext(ctx, javac, "-nowarn", "-d", drv, "-cp", strings.Join(Jars, ":"), src).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("compiler: javac: %v: %s", err, out)
	}
	// The same jars through the compile service.
	svc, err := compile.New(compile.Options{Arch: "amd64", Dir: filepath.Join(dir, "lib")})
	if err != nil {
		return nil, err
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		return nil, err
	}
	defer jdk.Close()
	// The kernel classes, copied out and compiled, in front of the jars.
	subset := filepath.Join(dir, "kernels")
	for _, j := range Jars {
		src, err := classpath.Open(j)
		if err != nil {
			return nil, err
		}
		for _, c := range KernelClasses[j] {
			data, err := src.Find(c)
			if err != nil {
				src.Close()
				return nil, err
			}
			f := filepath.Join(subset, c+".class")
			if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
				src.Close()
				return nil, err
			}
			if err := os.WriteFile(f, data, 0o644); err != nil {
				src.Close()
				return nil, err
			}
		}
		src.Close()
	}
	t0 := time.Now()
	out := filepath.Join(dir, "native")
	var libs []classpath.Finder
	libs = append(libs, jdk)
	for _, j := range Jars {
		s, err := classpath.Open(j)
		if err != nil {
			return nil, err
		}
		defer s.Close()
		libs = append(libs, s)
	}
	p := &service.Pipeline{Services: []service.Service{svc}, Classpath: libs}
	if _, err := p.RewritePath(subset, out, nil); err != nil {
		return nil, fmt.Errorf("compiler: compile the kernels: %v", err)
	}
	compiled := append([]string{out}, Jars...)
	cs := svc.Stats()
	env.Say("compiled %d of %d methods (%d of %d bytes) in %s", cs.Compiled, cs.Methods, cs.CompiledBC, cs.Bytecodes, time.Since(t0).Round(time.Millisecond))

	reps := env.Reps
	if reps <= 0 {
		reps = 5
	}
	if env.Quick {
		reps = 3
	}
	steadyReps := 30
	if env.Quick {
		steadyReps = 10
	}
	times := experiments.Table{Name: "times", Header: []string{"kernel", "config", "first_ms", "steady_ms", "steady_min_ms", "steady_max_ms"}}
	ratios := experiments.Table{Name: "ratios", Header: []string{"kernel", "config", "steady_vs_c2", "first_vs_c2"}}
	steady := map[string]map[string]float64{}
	first := map[string]map[string]float64{}
	kernels, configs := selected(Kernels, "DVMLAB_COMPILER_KERNELS"), selectedConfigs()
	for _, k := range kernels {
		steady[k], first[k] = map[string]float64{}, map[string]float64{}
		var check string
		for _, c := range configs {
			n := steadyReps
			if strings.HasPrefix(c.Name, "xint") {
				n = 3 // the interpreter takes seconds a repetition
			}
			var firsts, meds []float64
			var lo, hi float64 = math.Inf(1), 0
			for r := 0; r < reps; r++ {
				jars := Jars
				if c.Compiled {
					jars = compiled
				}
				f, s, sum, err := runOnce(ctx, c, drv, jars, k, n)
				if err != nil {
					return nil, fmt.Errorf("compiler: %s %s: %v", k, c.Name, err)
				}
				if check == "" {
					check = sum
				} else if sum != check {
					return nil, fmt.Errorf("compiler: %s under %s computed %s, not %s", k, c.Name, sum, check)
				}
				firsts = append(firsts, f)
				meds = append(meds, median(s))
				lo, hi = math.Min(lo, median(s)), math.Max(hi, median(s))
			}
			steady[k][c.Name], first[k][c.Name] = median(meds), median(firsts)
			times.Add(k, c.Name, median(firsts), median(meds), lo, hi)
			env.Say("%s %s: first %.3f ms, steady %.3f ms", k, c.Name, median(firsts), median(meds))
		}
	}
	geo := map[string]float64{}
	for _, c := range configs {
		sum := 0.0
		for _, k := range kernels {
			r := steady[k]["c2"] / steady[k][c.Name]
			ratios.Add(k, c.Name, r, first[k]["c2"]/first[k][c.Name])
			sum += math.Log(r)
		}
		geo[c.Name] = math.Exp(sum / float64(len(kernels)))
		ratios.Add("geomean", c.Name, geo[c.Name], "")
	}
	// The JNI call cost: zigzag is 100,000 calls of a method of a few
	// instructions, so native minus C2 (which inlines it) is the crossing.
	jni := experiments.Table{Name: "jni", Header: []string{"calls", "native_ms", "c2_ms", "ns_per_call"}}
	if _, ok := steady["zigzag"]["native"]; ok {
		jni.Add(100000, steady["zigzag"]["native"], steady["zigzag"]["c2"], (steady["zigzag"]["native"]-steady["zigzag"]["c2"])*1e6/100000)
	}
	return []experiments.Table{times, ratios, jni}, nil
}

// selected is all, or the names in the comma-separated environment
// variable env (a focused run while working on one kernel).
func selected(all []string, env string) []string {
	v := os.Getenv(env)
	if v == "" {
		return all
	}
	var out []string
	for _, n := range all {
		for _, w := range strings.Split(v, ",") {
			if w == n {
				out = append(out, n)
			}
		}
	}
	return out
}

// selectedConfigs is Configs, or those DVMLAB_COMPILER_CONFIGS names; c2
// always, since every ratio is to it.
func selectedConfigs() []Config {
	var names []string
	for _, c := range Configs {
		names = append(names, c.Name)
	}
	keep := map[string]bool{"c2": true}
	for _, n := range selected(names, "DVMLAB_COMPILER_CONFIGS") {
		keep[n] = true
	}
	var out []Config
	for _, c := range Configs {
		if keep[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

// runOnce starts one JVM on kernel k and returns the first call and the
// steady repetitions in milliseconds, and the checksum it printed.
func runOnce(ctx context.Context, c Config, drv string, jars []string, k string, n int) (float64, []float64, string, error) {
	args := append([]string{"-Xshare:auto"}, c.Options...)
	args = append(args, "-cp", drv+":"+strings.Join(jars, ":"), "CompilerBench", k, strconv.Itoa(n))
	cmd := exec.CommandContext(ctx, java(), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return 0, nil, "", fmt.Errorf("%v: %s", err, strings.TrimSpace(errb.String()))
	}
	var first float64
	var reps []float64
	sum := ""
	for _, l := range strings.Split(out.String(), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 {
			continue
		}
		switch f[0] {
		case "first":
			v, _ := strconv.ParseFloat(f[1], 64)
			first = v / 1e6
		case "rep":
			v, _ := strconv.ParseFloat(f[1], 64)
			reps = append(reps, v/1e6)
		case "check":
			sum = f[1]
		}
	}
	// The steady state: the last third of the repetitions.
	if len(reps) >= 3 {
		reps = reps[len(reps)*2/3:]
	}
	return first, reps, sum, nil
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return s[len(s)/2]
}

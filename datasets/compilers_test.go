package datasets_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
	"dvmlab/core/shadow"
	"dvmlab/core/shadow/analyses"
	"dvmlab/datasets"
	"dvmlab/internal/jvmtest"
)

// strict is how every run of these tests starts the JVM: every class
// verified, none from the shared archive (the ShadowVM agent's early class
// hook turns sharing off anyway, so the original runs without it too).
var strict = []string{"-Xverify:all", "-Xshare:off"}

// compilerTimeout bounds one run; Kotlin's compiler under ShadowVM, every
// class of it and of the JDK instrumented, is the slowest at a few minutes
// on a busy two-core machine.
const compilerTimeout = 10 * time.Minute

// A knownFault is a failure diagnosed and reduced to a case in
// testdata/compilers/NAME (README.md there says what is wrong, where, and
// what HotSpot expects). While its symptom shows, the part it breaks is
// skipped, naming the fault; any other failure fails the test, and a part
// that passes again says so in the log.
type knownFault struct {
	name string
	// symptom reports whether a failure is this fault: err is the run's
	// error (nil if it ran), got its output, want the original's.
	symptom func(err error, want, got *datasets.Output) bool
}

// knownFaults are keyed by "program/part" and "case/part". None is open:
// lvt-slot-never-stored is fixed (max_locals covers the LocalVariableTable,
// bytecode.MinLocals), and program-reads-own-class-file is met by leaving
// the classes a program reads as data out of the rewrite
// (Program.ReadsOwnClasses, the case's exclude file).
var knownFaults = map[string]knownFault{}

// judge settles a part: it passes, it fails with a known fault (skipped,
// naming it), or it fails otherwise.
func judge(t *testing.T, key string, err error, want, got *datasets.Output) {
	t.Helper()
	var diff string
	if err == nil && want != nil {
		diff = want.Diff(got)
	}
	kf, known := knownFaults[key]
	switch {
	case err == nil && diff == "":
		if known {
			t.Logf("known fault %s (testdata/compilers/%s) no longer shows: remove it from knownFaults", kf.name, kf.name)
		}
	case known && kf.symptom(err, want, got):
		t.Skipf("known fault %s, reduced in testdata/compilers/%s: %s", kf.name, kf.name, firstLine(err, diff))
	case err != nil:
		t.Fatal(err)
	default:
		t.Fatalf("output differs from the original's:\n%s", diff)
	}
}

// firstLine is what a skip says of the failure: the first line naming an
// error, else the first line.
func firstLine(err error, diff string) string {
	s := diff
	if err != nil {
		s = err.Error()
	}
	l, _, _ := strings.Cut(s, "\n")
	if e := firstError(s); e != "" && e != l {
		if strings.HasSuffix(l, ":") {
			return l + " " + e
		}
		return e
	}
	return l
}

// firstError is the first line of s that names an error or exception.
func firstError(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "Error") || strings.Contains(l, "Exception") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// TestCompilers runs each program of datasets.Compilers on its workload
// three ways under -Xverify:all: as Debian installs it; with its own jars
// rewritten by the coverage service with every frame recomputed (what
// `dvmlab rewrite --services coverage --frames recompute` does) and the
// runtime on the class path; and under ShadowVM's allocation counter (what
// `dvmlab shadow --analysis alloc --csv F -- java …` does), which
// instruments every class the JVM loads, the classes the Clojure and Groovy
// compilers define in memory included. The second and third must print
// what the first does, write the same files and exit normally, and
// ShadowVM must have failed to instrument no class. Beyond what the
// workloads load, every class of the rewritten jars must link (and so
// verify) as its original does.
func TestCompilers(t *testing.T) {
	if testing.Short() {
		t.Skip("rewrites and runs four compilers, each three times")
	}
	if _, err := (datasets.RunConfig{}).JavaPath(); err != nil {
		t.Skip("no java: ", err)
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	rt := runtimeJar(t)
	linkDir := jvmtest.Javac(t, map[string]string{"Link.java": link})
	for _, p := range datasets.Compilers() {
		t.Run(p.Name, func(t *testing.T) {
			if m := p.Missing(); len(m) > 0 {
				t.Skipf("Debian package %s is not installed (missing %v): `make deps` installs it", p.Package, m)
			}
			want, err := p.Run(context.Background(), datasets.RunConfig{JVMFlags: strict, Timeout: compilerTimeout}, t.TempDir())
			if err != nil {
				t.Fatalf("the original: %v", err)
			}
			if err := p.Check(want); err != nil {
				t.Fatalf("the original: %v", err)
			}
			t.Logf("original: %v", want.Elapsed.Round(time.Millisecond))
			rewritten := rewriteJars(t, p, jdk)
			t.Run("coverage", func(t *testing.T) { coverageRun(t, p, rewritten, rt, want) })
			t.Run("link", func(t *testing.T) { linkJars(t, p, rewritten, rt, linkDir) })
			t.Run("shadow", func(t *testing.T) { shadowRun(t, p, want) })
		})
	}
}

// rewriteJars rewrites p's jars with coverage probes and recomputed
// frames, and returns the rewritten copy of each.
func rewriteJars(t *testing.T, p datasets.Program, jdk classpath.Finder) map[string]string {
	pl, err := service.Parse("coverage")
	if err != nil {
		t.Fatal(err)
	}
	pl.RecomputeFrames = true
	if pl.Exclude, err = service.ParseClassPatterns(p.ReadsOwnClasses); err != nil {
		t.Fatal(err)
	}
	// Hierarchy questions go to the program's whole class path, then the
	// JDK, as `dvmlab rewrite --classpath` would have them.
	for _, j := range p.Classpath(datasets.RunConfig{}) {
		src, err := classpath.Open(j)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		pl.Classpath = append(pl.Classpath, src)
	}
	pl.Classpath = append(pl.Classpath, jdk)
	dir := t.TempDir()
	rewritten := map[string]string{}
	var total time.Duration
	for _, j := range p.Jars {
		dst := filepath.Join(dir, filepath.Base(j))
		t0 := time.Now()
		st, err := pl.RewritePath(j, dst, nil)
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(t0)
		total += took
		for i, e := range st.Errors {
			if i == 5 {
				t.Errorf("… %d more", len(st.Errors)-5)
				break
			}
			t.Errorf("%v", e)
		}
		t.Logf("%s: %d classes (%d unchanged, %d failed) rewritten in %v", filepath.Base(j), st.Classes, st.Unchanged, st.Failed,
			took.Round(time.Millisecond))
		rewritten[j] = dst
	}
	t.Logf("rewrite: %v", total.Round(time.Millisecond))
	return rewritten
}

// coverageRun runs p on its rewritten jars.
func coverageRun(t *testing.T, p datasets.Program, rewritten map[string]string, rt string, want *datasets.Output) {
	covFile := filepath.Join(t.TempDir(), "coverage.txt")
	got, err := p.Run(context.Background(), datasets.RunConfig{
		JVMFlags:       append(slices.Clone(strict), "-Ddvmlab.coverage.out="+covFile),
		Replace:        rewritten,
		ExtraClasspath: []string{rt},
		Timeout:        compilerTimeout,
	}, t.TempDir())
	if err == nil {
		t.Logf("run %v (original %v)", got.Elapsed.Round(time.Millisecond), want.Elapsed.Round(time.Millisecond))
	}
	judge(t, p.Name+"/coverage", err, want, got)
	if err := p.Check(got); err != nil {
		t.Error(err)
	}
	cov, err := os.ReadFile(covFile)
	if err != nil || len(cov) == 0 {
		t.Errorf("no coverage written (%v): the probes did not run", err)
	}
}

// linkJars has HotSpot link every class of p's jars, original and
// rewritten, and requires the same verdict for each: linked, or the same
// kind of error (a class that needs an absent optional jar fails in both,
// though not always naming the same missing class first).
func linkJars(t *testing.T, p datasets.Program, rewritten map[string]string, rt, linkDir string) {
	var deps []string
	for _, j := range p.Classpath(datasets.RunConfig{}) {
		if !slices.Contains(p.Jars, j) {
			deps = append(deps, j)
		}
	}
	var rw []string
	for _, j := range p.Jars {
		rw = append(rw, rewritten[j])
	}
	verdicts := func(jars, deps []string) (map[string]string, string) {
		r := jvmtest.Java(t, append(slices.Clone(strict), "-cp", linkDir, "Link", "--jars", strings.Join(jars, ":"), strings.Join(deps, ":"))...)
		if r.Err != nil {
			t.Fatalf("Link: %v\n%s", r.Err, tail(r.Stderr))
		}
		lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
		out := map[string]string{}
		for _, l := range lines[:len(lines)-1] {
			name, verdict, _ := strings.Cut(l, "\t")
			out[name] = verdict
		}
		return out, lines[len(lines)-1]
	}
	t0 := time.Now()
	orig, origSum := verdicts(p.Jars, deps)
	got, gotSum := verdicts(rw, append(deps, rt))
	t.Logf("original: %s; rewritten: %s (%v)", origSum, gotSum, time.Since(t0).Round(time.Millisecond))
	kind := func(v string) string {
		if v == "" {
			return "linked"
		}
		k, _, _ := strings.Cut(v, ":")
		return k
	}
	var diffs []string
	for name, v := range got {
		if kind(v) != kind(orig[name]) {
			diffs = append(diffs, fmt.Sprintf("%s: %s (original: %s)", name, v, kind(orig[name])))
		}
	}
	for name, v := range orig {
		if _, ok := got[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: linked (original: %s)", name, v))
		}
	}
	slices.Sort(diffs)
	var err error
	if len(diffs) > 0 {
		err = fmt.Errorf("%d classes link differently once rewritten:\n%s", len(diffs), strings.Join(diffs, "\n"))
	}
	judge(t, p.Name+"/link", err, nil, nil)
}

// shadowRun runs p under ShadowVM's allocation counter.
func shadowRun(t *testing.T, p datasets.Program, want *datasets.Output) {
	ctx, cancel := context.WithTimeout(context.Background(), compilerTimeout)
	defer cancel()
	work := t.TempDir()
	cmd, done, err := p.Command(ctx, datasets.RunConfig{JVMFlags: strict}, work)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	an, err := analyses.New("alloc", "")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	res, err := shadow.Run(ctx, shadow.Config{Analysis: an, Java: append([]string{cmd.Path}, cmd.Args[1:]...),
		Dir: cmd.Dir, Env: cmd.Env, Stdin: cmd.Stdin, Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	st := res.Instrument
	t.Logf("shadow: %d classes offered, %d instrumented, %d sites woven, %d failed, %d sites skipped %v; %d events; JVM %v (original %v)",
		st.Classes, st.Instrumented, st.Sites, st.Failed, st.Skipped, res.Skips, res.Analysis.Events,
		res.Elapsed.Round(time.Millisecond), want.Elapsed.Round(time.Millisecond))
	if st.Failed > 0 || len(res.Errors) > 0 {
		t.Errorf("%d classes not instrumented: %v", st.Failed, res.Errors)
	}
	var runErr error
	var got *datasets.Output
	if res.ExitCode != 0 {
		runErr = fmt.Errorf("%s under ShadowVM: java exited with %d; %s\nstderr ends:\n%s", p.Name, res.ExitCode,
			firstError(stderr.String()), tail(stderr.String()))
	} else {
		got, runErr = p.Collect(work, stdout.String(), stderr.String(), res.Elapsed)
	}
	judge(t, p.Name+"/shadow", runErr, want, got)
	if err := p.Check(got); err != nil {
		t.Error(err)
	}
	var csv bytes.Buffer
	w, ok := an.(shadow.CSVWriter)
	if !ok {
		t.Fatal("the alloc analysis writes no table")
	}
	if err := w.WriteCSV(&csv, res.Registry); err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(csv.String(), "\n"); rows < 100 || res.Analysis.Events == 0 {
		t.Errorf("the allocation table has %d rows from %d events: the hooks did not run", rows, res.Analysis.Events)
	}
}

func tail(s string) string {
	const max = 2000
	s = strings.TrimRight(s, "\n")
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return s
}

func runtimeJar(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := runtime.WriteJar(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "dvmlab-runtime.jar")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// link loads and links classes without initializing them: reflection on
// a class's methods makes HotSpot link it, which verifies it, and no static
// initializer runs. "Link NAME…" takes the classes named from its own
// class path and prints "NAME linked" or what HotSpot threw;
// "Link --jars JARS DEPS" takes every class of the jars JARS, through a
// loader of JARS then DEPS (both colon-separated), and prints one
// "NAME<tab>THROWABLE" line for each class that does not link, then a
// count.
const link = `import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

public final class Link {
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--jars")) {
            jars(args[1], args[2]);
            return;
        }
        for (String n : args) {
            try {
                Class.forName(n, false, Link.class.getClassLoader()).getDeclaredMethods();
                System.out.println(n + " linked");
            } catch (Throwable e) {
                System.out.println(n + " " + e);
            }
        }
    }

    static void jars(String jars, String deps) throws Exception {
        List<URL> path = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String j : jars.split(":")) {
            path.add(new File(j).toURI().toURL());
            try (ZipFile z = new ZipFile(j)) {
                for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements();) {
                    String n = e.nextElement().getName();
                    if (n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class")) {
                        names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                    }
                }
            }
        }
        for (String j : deps.split(":")) {
            if (!j.isEmpty()) {
                path.add(new File(j).toURI().toURL());
            }
        }
        ClassLoader l = new URLClassLoader(path.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        int ok = 0;
        for (String n : names) {
            try {
                Class.forName(n, false, l).getDeclaredMethods();
                ok++;
            } catch (Throwable e) {
                System.out.println(n + "\t" + String.valueOf(e).replace('\n', ' '));
            }
        }
        System.out.println(ok + " of " + names.size() + " linked");
    }
}
`

// TestCompilerFaultCases runs each reduced case of testdata/compilers (see
// its README.md) as it is, rewritten by the coverage service with frames
// recomputed, and under ShadowVM, and requires HotSpot's answer for the
// original, kept in the case's expect file, from all three.
func TestCompilerFaultCases(t *testing.T) {
	if testing.Short() {
		t.Skip("runs HotSpot and ShadowVM on each case")
	}
	cases, err := filepath.Glob(filepath.Join("testdata", "compilers", "*", "args"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases in testdata/compilers (%v)", err)
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	linkDir := jvmtest.Javac(t, map[string]string{"Link.java": link})
	rt := runtimeJar(t)
	java := jvmtest.Tool(t, "java")
	for _, c := range cases {
		dir, _ := filepath.Abs(filepath.Dir(c))
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			args := strings.Fields(string(mustRead(t, filepath.Join(dir, "args"))))
			var deps []string
			if data, err := os.ReadFile(filepath.Join(dir, "classpath")); err == nil {
				deps = strings.Fields(string(data))
			}
			for _, j := range deps {
				if _, err := os.Stat(j); err != nil {
					t.Skipf("needs %s: `make deps` installs it", j)
				}
			}
			classes := filepath.Join(dir, "classes")
			want := &datasets.Output{Program: name, Stdout: string(mustRead(t, filepath.Join(dir, "expect")))}
			run := func(cp ...string) (*datasets.Output, error) {
				cp = append(cp, deps...)
				cp = append(cp, linkDir)
				r := jvmtest.Java(t, append(append(slices.Clone(strict), "-cp", strings.Join(cp, ":")), args...)...)
				return &datasets.Output{Program: name, Stdout: r.Stdout, Stderr: r.Stderr}, r.Err
			}
			orig, err := run(classes)
			if err != nil || orig.Diff(want) != "" {
				t.Fatalf("the original classes: HotSpot's answer is no longer expect (%v):\n%s", err, orig.Diff(want))
			}
			t.Run("coverage", func(t *testing.T) {
				pl, err := service.Parse("coverage")
				if err != nil {
					t.Fatal(err)
				}
				pl.RecomputeFrames = true
				if data, err := os.ReadFile(filepath.Join(dir, "exclude")); err == nil {
					if pl.Exclude, err = service.ParseClassPatterns(strings.TrimSpace(string(data))); err != nil {
						t.Fatal(err)
					}
				}
				for _, j := range deps {
					src, err := classpath.Open(j)
					if err != nil {
						t.Fatal(err)
					}
					defer src.Close()
					pl.Classpath = append(pl.Classpath, src)
				}
				pl.Classpath = append(pl.Classpath, jdk)
				out := t.TempDir()
				st, err := pl.RewritePath(classes, out, nil)
				if err != nil {
					t.Fatal(err)
				}
				if st.Failed > 0 {
					t.Fatalf("rewrite: %v", st.Errors)
				}
				got, err := run(out, rt)
				judge(t, name+"/coverage", err, want, got)
			})
			t.Run("shadow", func(t *testing.T) {
				cp := append(append([]string{classes}, deps...), linkDir)
				var stdout, stderr bytes.Buffer
				an, err := analyses.New("alloc", "")
				if err != nil {
					t.Fatal(err)
				}
				res, err := shadow.Run(context.Background(), shadow.Config{Analysis: an,
					Java:   append(append([]string{java}, strict...), append([]string{"-cp", strings.Join(cp, ":")}, args...)...),
					Stdout: &stdout, Stderr: &stderr})
				if err != nil {
					t.Fatal(err)
				}
				if res.Instrument.Failed > 0 {
					t.Errorf("%d classes not instrumented: %v", res.Instrument.Failed, res.Errors)
				}
				if res.ExitCode != 0 {
					err = fmt.Errorf("java exited with %d: %s", res.ExitCode, tail(stderr.String()))
				}
				judge(t, name+"/shadow", err, want, &datasets.Output{Program: name, Stdout: stdout.String(), Stderr: stderr.String()})
			})
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

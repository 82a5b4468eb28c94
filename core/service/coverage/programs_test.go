package coverage_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	"dvmlab/internal/jvmtest"
)

// program is a real Debian program with a workload of ours. Jars are its
// own (the ones rewritten); their manifests' Class-Path gives the rest.
type program struct {
	name    string
	pkg     string
	jars    []string
	main    string
	flags   []string
	inputs  []string // files copied from testdata/programs into the run directory
	args    []string
	outputs []string // files the run writes, compared byte for byte
}

var programs = []program{
	{name: "jlex", pkg: "jlex", jars: []string{"/usr/share/java/JLex.jar"}, main: "JLex.Main",
		args: []string{"sample.lex"}, outputs: []string{"sample.lex.java"}},
	{name: "cup", pkg: "cup", jars: []string{"/usr/share/java/cup.jar"}, main: "java_cup.Main",
		inputs: []string{"calc.cup"}, args: []string{"-parser", "CalcParser", "-symbols", "CalcSym", "calc.cup"},
		outputs: []string{"CalcParser.java", "CalcSym.java"}},
	{name: "jython", pkg: "jython", jars: []string{"/usr/share/java/jython.jar"}, main: "org.python.util.jython",
		flags:  []string{"-Dpython.home=/usr/share/jython", "-Dpython.cachedir.skip=true", "-Dpython.console="},
		inputs: []string{"work.py"}, args: []string{"work.py"}},
	{name: "h2", pkg: "libh2-java", jars: []string{"/usr/share/java/h2.jar"}, main: "org.h2.tools.RunScript",
		inputs: []string{"work.sql"}, args: []string{"-url", "jdbc:h2:mem:work", "-script", "work.sql", "-showResults"}},
	{name: "xalan", pkg: "libxalan2-java", jars: []string{"/usr/share/java/xalan2.jar", "/usr/share/java/serializer.jar"},
		main: "org.apache.xalan.xslt.Process", inputs: []string{"books.xml", "books.xsl"},
		args: []string{"-IN", "books.xml", "-XSL", "books.xsl", "-OUT", "books.html"}, outputs: []string{"books.html"}},
	{name: "batik", pkg: "libbatik-java", jars: []string{"/usr/share/java/batik-all.jar"}, main: "org.apache.batik.apps.rasterizer.Main",
		flags: []string{"-Djava.awt.headless=true"}, inputs: []string{"shapes.svg"},
		args: []string{"-scriptSecurityOff", "-d", "shapes.png", "shapes.svg"}, outputs: []string{"shapes.png"}},
}

// manifestClasspath follows Class-Path entries of jars, transitively,
// resolving relative entries against the jar's directory; jars that are not
// installed are left out, as the JVM leaves them out.
func manifestClasspath(jars []string) []string {
	seen := map[string]bool{}
	var out []string
	var visit func(string)
	visit = func(j string) {
		if seen[j] {
			return
		}
		seen[j] = true
		if _, err := os.Stat(j); err != nil {
			return
		}
		out = append(out, j)
		zr, err := zip.OpenReader(j)
		if err != nil {
			return
		}
		defer zr.Close()
		for _, f := range zr.File {
			if !strings.EqualFold(f.Name, "META-INF/MANIFEST.MF") {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return
			}
			data, _ := bufio.NewReader(rc).ReadString(0)
			rc.Close()
			// Manifest lines continue on the next line after a space.
			text := strings.ReplaceAll(strings.ReplaceAll(data, "\r\n", "\n"), "\n ", "")
			for _, line := range strings.Split(text, "\n") {
				if v, ok := strings.CutPrefix(line, "Class-Path:"); ok {
					for _, e := range strings.Fields(v) {
						if !filepath.IsAbs(e) {
							e = filepath.Join(filepath.Dir(j), e)
						}
						visit(e)
					}
				}
			}
		}
	}
	for _, j := range jars {
		visit(j)
	}
	return out
}

// cupBanner is the time stamp CUP writes into generated code.
var cupBanner = regexp.MustCompile(`(?m)^// .*\d\d:\d\d:\d\d.*$`)

type runOutput struct {
	stdout string
	files  map[string][]byte
}

func (p program) run(t *testing.T, jars map[string]string, extra string) runOutput {
	t.Helper()
	dir := t.TempDir()
	for _, in := range p.inputs {
		data, err := os.ReadFile(filepath.Join("testdata", "programs", in))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, in), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if p.name == "jlex" {
		data, err := os.ReadFile("/usr/share/doc/jlex/examples/sample.lex")
		if err != nil {
			t.Skip("jlex example missing: ", err)
		}
		os.WriteFile(filepath.Join(dir, "sample.lex"), data, 0o644)
	}
	var cp []string
	for _, j := range manifestClasspath(p.jars) {
		if r, ok := jars[j]; ok {
			j = r
		}
		cp = append(cp, j)
	}
	if extra != "" {
		cp = append(cp, extra)
	}
	args := append([]string{"-Xverify:all", "-Xshare:off", "-Duser.dir=" + dir, "-cp", strings.Join(cp, string(os.PathListSeparator))}, p.flags...)
	args = append(append(args, p.main), p.args...)
	r := jvmtest.JavaIn(t, dir, args...)
	if r.Err != nil {
		t.Fatalf("%s: %v\n%s", p.name, r.Err, r.Stderr)
	}
	out := runOutput{stdout: r.Stdout, files: map[string][]byte{}}
	for _, f := range p.outputs {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("%s wrote no %s: %v", p.name, f, err)
		}
		if p.name == "cup" {
			data = cupBanner.ReplaceAll(data, nil)
		}
		out.files[f] = data
	}
	return out
}

// TestDebianProgramsUnderCoverage rewrites every class of each program's own
// jars with coverage probes and recomputed frames, runs the program on its
// workload under -Xverify:all, and requires exactly the original output.
func TestDebianProgramsUnderCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("rewrites and runs six real programs")
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	rt := runtimeJar(t)
	for _, p := range programs {
		t.Run(p.name, func(t *testing.T) {
			for _, j := range p.jars {
				if _, err := os.Stat(j); err != nil {
					t.Fatalf("%s missing: install Debian %s (make deps)", j, p.pkg)
				}
			}
			want := p.run(t, nil, "")

			pl := pipeline(t)
			deps := manifestClasspath(p.jars)
			for _, d := range deps {
				if src, err := classpath.Open(d); err == nil {
					defer src.Close()
					pl.Classpath = append(pl.Classpath, src)
				}
			}
			pl.Classpath = append(pl.Classpath, jdk)
			pl.RecomputeFrames = true
			out := t.TempDir()
			rewritten := map[string]string{}
			classes, probes := 0, 0
			t0 := time.Now()
			for _, j := range p.jars {
				dst := filepath.Join(out, filepath.Base(j))
				st, err := pl.RewritePath(j, dst, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range st.Errors {
					t.Errorf("%v", e)
				}
				classes += st.Classes
				for _, r := range st.Reports {
					if r.Service == "coverage" {
						probes += r.Inserted
					}
				}
				rewritten[j] = dst
			}
			rewrite := time.Since(t0)
			covFile := filepath.Join(t.TempDir(), "cov.txt")
			p.flags = append(append([]string(nil), p.flags...), "-Ddvmlab.coverage.out="+covFile)
			got := p.run(t, rewritten, rt)
			if got.stdout != want.stdout {
				t.Errorf("stdout differs:\n got %q\nwant %q", head(got.stdout), head(want.stdout))
			}
			for f, w := range want.files {
				if !bytes.Equal(got.files[f], w) {
					t.Errorf("%s differs (%d vs %d bytes)", f, len(got.files[f]), len(w))
				}
			}
			blocks := len(strings.Split(strings.TrimSpace(string(mustRead(t, covFile))), "\n"))
			t.Logf("%s: %d classes rewritten in %v with %d probes, %d blocks executed", p.name, classes, rewrite.Round(time.Millisecond), probes, blocks)
		})
	}
}

func head(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

func mustRead(t *testing.T, p string) []byte {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDebianProgramsOnReframedJavaBase runs every workload on a java.base
// whose every class went through the model with frames recomputed, with
// HotSpot verifying boot classes too: no VerifyError and the same output.
func TestDebianProgramsOnReframedJavaBase(t *testing.T) {
	if testing.Short() {
		t.Skip("rewrites java.base and runs six real programs")
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	in := t.TempDir()
	err = jdk.Module("java.base").Walk(func(name string, data []byte) error {
		if name == "module-info" {
			return nil
		}
		p := filepath.Join(in, filepath.FromSlash(name)+".class")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := service.Parse("none")
	if err != nil {
		t.Fatal(err)
	}
	pl.RecomputeFrames = true
	pl.Classpath = []classpath.Finder{jdk}
	base := t.TempDir()
	st, err := pl.RewritePath(in, base, nil)
	if err != nil || st.Failed > 0 {
		t.Fatalf("rewriting java.base: %v %v", err, st.Errors)
	}
	for _, p := range programs {
		t.Run(p.name, func(t *testing.T) {
			want := p.run(t, nil, "")
			p.flags = append([]string{"--patch-module", "java.base=" + base, "-XX:+UnlockDiagnosticVMOptions", "-XX:+BytecodeVerificationLocal"}, p.flags...)
			got := p.run(t, nil, "")
			if got.stdout != want.stdout {
				t.Errorf("stdout differs:\n got %q\nwant %q", head(got.stdout), head(want.stdout))
			}
			for f, w := range want.files {
				if !bytes.Equal(got.files[f], w) {
					t.Errorf("%s differs (%d vs %d bytes)", f, len(got.files[f]), len(w))
				}
			}
		})
	}
}

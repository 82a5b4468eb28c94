package coverage_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	"dvmlab/datasets"
)

var strict = []string{"-Xverify:all", "-Xshare:off"}

// runProgram runs one workload and checks it did its work.
func runProgram(t *testing.T, p datasets.Program, cfg datasets.RunConfig) *datasets.Output {
	t.Helper()
	cfg.Timeout = 5 * time.Minute
	out, err := p.Run(context.Background(), cfg, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(out); err != nil {
		t.Fatal(err)
	}
	return out
}

func present(t *testing.T, p datasets.Program) {
	t.Helper()
	if m := p.Missing(); len(m) > 0 {
		t.Fatalf("%s needs %v: install Debian %s (make deps)", p.Name, m, p.Package)
	}
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
	for _, p := range datasets.All() {
		t.Run(p.Name, func(t *testing.T) {
			present(t, p)
			want := runProgram(t, p, datasets.RunConfig{JVMFlags: strict})

			pl := pipeline(t)
			for _, d := range p.Classpath(datasets.RunConfig{}) {
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
			for _, j := range p.Jars {
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
			got := runProgram(t, p, datasets.RunConfig{
				JVMFlags:       append(append([]string(nil), strict...), "-Ddvmlab.coverage.out="+covFile),
				Replace:        rewritten,
				ExtraClasspath: []string{rt},
			})
			if d := want.Diff(got); d != "" {
				t.Errorf("output differs:\n%s", d)
			}
			blocks := len(strings.Split(strings.TrimSpace(string(mustRead(t, covFile))), "\n"))
			t.Logf("%s: %d classes rewritten in %v with %d probes, %d blocks executed", p.Name, classes, rewrite.Round(time.Millisecond), probes, blocks)
		})
	}
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
	for _, p := range datasets.All() {
		t.Run(p.Name, func(t *testing.T) {
			present(t, p)
			want := runProgram(t, p, datasets.RunConfig{JVMFlags: strict})
			got := runProgram(t, p, datasets.RunConfig{JVMFlags: append(append([]string(nil), strict...),
				"--patch-module", "java.base="+base, "-XX:+UnlockDiagnosticVMOptions", "-XX:+BytecodeVerificationLocal")})
			if d := want.Diff(got); d != "" {
				t.Errorf("output differs:\n%s", d)
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

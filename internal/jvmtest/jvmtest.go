// Package jvmtest runs the real JDK from tests: compile Java, assemble
// Jasmin, run a class under full verification, so our output is judged by
// HotSpot rather than by ourselves.
package jvmtest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// JavaHome returns the JDK to use: $JAVA_HOME, or the java on PATH.
func JavaHome(t testing.TB) string {
	t.Helper()
	if h := os.Getenv("JAVA_HOME"); h != "" {
		return h
	}
	p, err := exec.LookPath("java")
	if err != nil {
		t.Skip("no JDK on PATH")
	}
	p, err = filepath.EvalSymlinks(p)
	if err != nil {
		t.Skip(err)
	}
	return filepath.Dir(filepath.Dir(p))
}

// Tool returns the path of a JDK tool (java, javac, javap).
func Tool(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(JavaHome(t), "bin", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no %s in the JDK: %v", name, err)
	}
	return p
}

// Javac compiles sources (file name -> text) into a new directory and
// returns it. Extra arguments go before the sources (e.g. --release 8).
func Javac(t testing.TB, sources map[string]string, args ...string) string {
	t.Helper()
	src := t.TempDir()
	out := t.TempDir()
	var files []string
	for name, text := range sources {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	cmd := exec.Command(Tool(t, "javac"), append(append([]string{"-d", out}, args...), files...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, b)
	}
	return out
}

// Result is what a JVM run printed.
type Result struct {
	Stdout, Stderr string
	Err            error
}

// Java runs `java ARGS…` with a time limit and returns its output.
func Java(t testing.TB, args ...string) Result {
	t.Helper()
	return JavaIn(t, "", args...)
}

// MustJava is Java that fails the test when the JVM exits non-zero.
func MustJava(t testing.TB, args ...string) Result {
	t.Helper()
	r := Java(t, args...)
	if r.Err != nil {
		t.Fatalf("java %s: %v\n%s", strings.Join(args, " "), r.Err, tail(r.Stderr, 3000))
	}
	return r
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// JavaIn is Java run in directory dir ("" for the current one).
func JavaIn(t testing.TB, dir string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Tool(t, "java"), args...)
	cmd.Dir = dir
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	return Result{Stdout: o.String(), Stderr: e.String(), Err: err}
}

// Verdicts reads dir/hotspot.txt, HotSpot's verdict (-Xverify:all, load and
// initialize) on each class of a regression case: one "Class OK" or
// "Class Reason" line per class, # comments. It maps class to verdict.
func Verdicts(t testing.TB, dir string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "hotspot.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, why, _ := strings.Cut(line, " ")
		out[name] = why
	}
	return out
}

package exec

import (
	"bytes"
	"context"
	"dvmlab/core/classfile"
	_ "embed"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

//go:embed DvmExec.java
var runnerSource []byte

// Java is the JDK the runners use: $JAVA_HOME, else Debian's OpenJDK 17.
func Java() string {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		return h
	}
	return "/usr/lib/jvm/java-17-openjdk-amd64"
}

var (
	runnerOnce sync.Once
	runnerDir  string
	runnerErr  error
)

// RunnerDir compiles DvmExec.java once per process into a temporary
// directory and returns it, for a class path.
func RunnerDir() (string, error) {
	runnerOnce.Do(func() { runnerDir, runnerErr = javacSource("dvmexec", "DvmExec.java", runnerSource, "") })
	return runnerDir, runnerErr
}

// javacSource writes src as a Java source file named name into a new
// temporary directory (prefix) and compiles it there against classpath
// ("" for none), returning the directory.
func javacSource(prefix, name string, src []byte, classpath string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, src, 0o644); err != nil {
		return "", err
	}
	args := []string{"-d", dir, file}
	if classpath != "" {
		args = append([]string{"-cp", classpath}, args...)
	}
	if out, err := exec.Command(filepath.Join(Java(), "bin", "javac"), args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("exec: javac %s: %v: %s", name, err, out)
	}
	return dir, nil
}

// JVM describes a run of the runner: the class path after the runner's own
// directory, and options for the JVM.
type JVM struct {
	ClassPath []string
	Options   []string  // e.g. -Xcheck:jni -Xmx32m; -Xshare:off and -XX:-OmitStackTraceInFastThrow are always given
	Pre       bool      // print the fields' values before each call
	Stderr    io.Writer // if set, gets the JVM's standard error of a run that succeeded
	// Snapshot, with Pre, narrows the fields printed to those compiled
	// code names, sends those it cannot change once, and adds the static
	// fields of other classes it reads: the Alpha runtime's view of the
	// class (Alpha.Snapshot). Nil prints every printable field of the
	// class, before and after each call.
	Snapshot *Snapshot
}

// CheckedOptions are the options of the amd64 runs: JNI checked, a small
// heap collected often (a heap pointer kept across a call would show).
var CheckedOptions = append([]string{"-Xcheck:jni"}, HeapOptions...)

// HeapOptions are CheckedOptions' heap: an oracle run with them too fails
// an allocation too big for that heap as the target does.
var HeapOptions = []string{"-Xmx24m", "-Xmn2m", "-XX:+UseSerialGC"}

// Run runs the method on the inputs and returns one outcome line per input
// (and a "pre" line before each with Pre).
func (j JVM) Run(ctx context.Context, m *Method, inputs []string) ([]string, error) {
	dir, err := RunnerDir()
	if err != nil {
		return nil, err
	}
	entries := []string{dir}
	for _, e := range j.ClassPath {
		root, err := classPathEntry(e)
		if err != nil {
			return nil, err
		}
		entries = append(entries, root)
	}
	cp := strings.Join(entries, string(os.PathListSeparator))
	// C2 throws a preallocated exception, without message or stack trace,
	// from a site that has thrown often (OmitStackTraceInFastThrow): the
	// message the bytecode defines would then depend on how hot the method
	// was, on either side. Off, every exception is made as the JVMS says.
	args := append([]string{"-Xshare:off", "-XX:-OmitStackTraceInFastThrow"}, j.Options...)
	args = append(args, "-cp", cp, "DvmExec")
	if j.Pre {
		args = append(args, "--pre")
		if s := j.Snapshot; s != nil {
			if len(s.Statics) > 0 {
				args = append(args, "--statics", strings.Join(s.Statics, ","))
			}
			args = append(args, "--fields", strings.Join(s.Fields, ","), "--stable", strings.Join(s.Stable, ","))
		}
	}
	args = append(args, m.Class, m.Name, m.Desc)
	// A method that loops for long on some input must not hold the run:
	// ten minutes unless the caller says otherwise.
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 10*time.Minute)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, filepath.Join(Java(), "bin", "java"), args...)
	cmd.Stdin = strings.NewReader(strings.Join(inputs, "\n") + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("exec: java DvmExec %s: %v: %s", m, err, strings.TrimSpace(errb.String()))
	}
	if j.Stderr != nil {
		j.Stderr.Write(errb.Bytes())
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	want := len(inputs)
	if j.Pre {
		want *= 2
	}
	if len(lines) != want {
		return nil, fmt.Errorf("exec: java DvmExec %s: %d lines for %d inputs: %s", m, len(lines), len(inputs), strings.TrimSpace(errb.String()))
	}
	return lines, nil
}

// classPathEntry is what a JVM's class path takes for IN: a jar or directory
// as it is, and for a class file the directory its package hierarchy starts
// in (a class file is no class path entry of its own).
func classPathEntry(in string) (string, error) {
	if !strings.HasSuffix(in, ".class") {
		return in, nil
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return "", err
	}
	c, err := classfile.Parse(data)
	if err != nil {
		return "", fmt.Errorf("%s: %v", in, err)
	}
	abs, err := filepath.Abs(in)
	if err != nil {
		return "", err
	}
	name := c.Name()
	root, ok := strings.CutSuffix(filepath.ToSlash(abs), "/"+name+".class")
	if !ok {
		return "", fmt.Errorf("%s holds class %s, so a JVM finds it only as %s.class under a class path directory: move it there or pass that directory", in, name, name)
	}
	return filepath.FromSlash(root), nil
}

// Package datasets is a manifest of real Java programs from Debian packages,
// each with a deterministic workload, so that tests and experiments can check
// that rewritten programs behave exactly like the originals on a real JVM.
//
// A Program names its own jars (the ones a rewriting test rewrites) apart
// from the jars it merely needs (Deps), and Run starts it with an explicit
// -cp built from both, never `java -jar`, so that RunConfig.Replace can swap
// any jar for a rewritten copy. The workload inputs are embedded in the
// package (testdata/), except JLex's, which is Debian's own example.
//
// Where a program's own command line is unusable for a deterministic run
// (Lucene's demo and Sunflow's benchmark print timings), a small Java
// driver embedded in the package (java/) runs the workload through the
// program's API. It is compiled on first use and kept on the class path
// after the program's jars, apart from Jars, so that rewriting tests
// rewrite the program and not the driver.
//
// Typical use:
//
//	p, _ := datasets.Lookup("xalan")
//	want, err := p.Run(ctx, datasets.RunConfig{}, t.TempDir())
//	got, err := p.Run(ctx, datasets.RunConfig{
//		JVMFlags: []string{"-Xverify:all"},
//		Replace:  map[string]string{p.Jars[0]: rewrittenJar},
//	}, t.TempDir())
//	if d := got.Diff(want); d != "" { t.Error(d) }
package datasets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dvmlab/core/classpath"
)

// Program is one Debian program with its workload.
type Program struct {
	Name        string // "jlex", "cup", "jython", "h2", "xalan", "batik", "fop", "lucene", "sunflow"
	Package     string // the Debian package that installs Jars
	Description string

	// Jars are the program's own jars, as absolute paths: the ones a
	// rewriting test rewrites.
	Jars []string
	// Deps are jars from other packages the program needs on the class
	// path; they are not rewritten. Their order is the order in which the
	// JVM would search them had it expanded the manifests' Class-Path
	// attributes itself.
	Deps []string
	// Optional are jars that a manifest Class-Path names but that the
	// Debian package does not depend on (JDBC drivers, loggers, a
	// JavaScript engine). The JVM adds them when they are installed, so
	// Run does too, after Deps; the workloads do not need them and Missing
	// does not report them.
	Optional []string

	// Driver names the class of java/ that runs the workload ("" for
	// none); Main is then that class. It is compiled against Jars and Deps
	// on first use, into a jar in the user's cache directory that
	// Classpath puts after Optional.
	Driver string

	// ReadsOwnClasses names classes of Jars the program reads as data, not
	// only loads (service.ParseClassPatterns): a rewrite must leave them as
	// they are (`dvmlab rewrite --exclude`), or the program reads our
	// probes. "" for none.
	ReadsOwnClasses string

	Main     string   // main class
	JVMFlags []string // flags the program itself needs (system properties)
	Args     []string // program arguments; file names are relative to the work directory
	Stdin    string   // input file fed to standard input, "" for none
	Inputs   []Input  // files placed in the work directory before the run
	// Outputs are the files the run writes, returned in Output.Files and
	// compared by Diff. A name ending in "/" is a directory, created empty
	// before the run, whose every file is returned, named by its path
	// ("classes/a/B.class").
	Outputs []string
	Scratch []string // other files the run leaves behind, removed before a run

	check func(*Output) error
}

// Input is a file a workload reads. Path is where it comes from: a file on
// this machine (Debian's own examples), or "" for the embedded testdata file
// called Name.
type Input struct {
	Name string
	Path string
}

// RunConfig says how to run a program.
type RunConfig struct {
	// Java is the java launcher; "" means $JAVA_HOME/bin/java, else the
	// java on PATH.
	Java string
	// JVMFlags come after the program's own flags, so they can override
	// its system properties (e.g. -Xverify:all, -Xshare:off,
	// --patch-module java.base=DIR, -XX:+BytecodeVerificationLocal).
	JVMFlags []string
	// Replace maps a jar of Jars, Deps or Optional to the jar to use in its
	// place, typically a rewritten copy.
	Replace map[string]string
	// ExtraClasspath is appended to the class path (e.g. a runtime jar
	// that rewritten code calls into).
	ExtraClasspath []string
	// Timeout bounds the run; 0 means DefaultTimeout.
	Timeout time.Duration
	// Launch, when set, replaces "-cp CLASSPATH" before the main class: the
	// program then starts through a launcher that loads it from elsewhere,
	// e.g. "-cp launcher.jar dvmlab.runtime.Launcher http://…/a.jar,…".
	Launch []string
}

// DefaultTimeout bounds a run when RunConfig.Timeout is 0: the slowest
// workload takes a few seconds, so this only catches a hung JVM.
const DefaultTimeout = 3 * time.Minute

// Output is what a run produced.
type Output struct {
	Program string
	WorkDir string
	Stdout  string
	Stderr  string
	Files   map[string][]byte // Program.Outputs, by name
	Elapsed time.Duration
}

// All returns every program, in a fixed order. The slices are copies.
func All() []Program {
	out := make([]Program, len(programs))
	for i, p := range programs {
		out[i] = p.clone()
	}
	return out
}

// Lookup finds a program by name, among All and Compilers.
func Lookup(name string) (Program, bool) {
	for _, set := range [][]Program{programs, compilers} {
		for _, p := range set {
			if p.Name == name {
				return p.clone(), true
			}
		}
	}
	return Program{}, false
}

func (p Program) clone() Program {
	p.Jars = slices.Clone(p.Jars)
	p.Deps = slices.Clone(p.Deps)
	p.Optional = slices.Clone(p.Optional)
	p.JVMFlags = slices.Clone(p.JVMFlags)
	p.Args = slices.Clone(p.Args)
	p.Inputs = slices.Clone(p.Inputs)
	p.Outputs = slices.Clone(p.Outputs)
	p.Scratch = slices.Clone(p.Scratch)
	return p
}

// Missing lists the files the program needs that are not on this machine:
// jars of Jars and Deps, inputs taken from Debian packages, and javac for a
// program with a driver. Empty means the program can run. A driver that
// fails to compile is not missing but broken: Run and OpenClasspath report
// it.
func (p Program) Missing() []string {
	var out []string
	for _, f := range p.required() {
		if _, err := os.Stat(f); err != nil {
			out = append(out, f)
		}
	}
	if p.Driver != "" {
		if _, err := javacPath(); err != nil {
			out = append(out, missingJavac())
		}
	}
	return out
}

func (p Program) required() []string {
	req := append(slices.Clone(p.Jars), p.Deps...)
	for _, in := range p.Inputs {
		if in.Path != "" {
			req = append(req, in.Path)
		}
	}
	return req
}

// Classpath is the class path Run uses: Jars, Deps and the installed
// Optional jars, then the driver's jar, each replaced per cfg.Replace, then
// cfg.ExtraClasspath. The driver is compiled here if it has not been yet;
// should that fail, its jar is still listed, and Run and OpenClasspath say
// why it is absent.
func (p Program) Classpath(cfg RunConfig) []string {
	var cp []string
	add := func(j string) {
		if r, ok := cfg.Replace[j]; ok {
			j = r
		}
		cp = append(cp, j)
	}
	for _, j := range p.Jars {
		add(j)
	}
	for _, j := range p.Deps {
		add(j)
	}
	for _, j := range p.Optional {
		// An absent optional jar is left out as the JVM leaves out an
		// absent Class-Path entry; a replaced one is kept, to fail loudly
		// if the replacement is missing.
		if _, replaced := cfg.Replace[j]; replaced {
			add(j)
		} else if _, err := os.Stat(j); err == nil {
			add(j)
		}
	}
	if p.Driver != "" {
		j, _ := p.driverJar()
		add(j)
	}
	return append(cp, cfg.ExtraClasspath...)
}

// OpenClasspath opens the class path Run uses, unreplaced, in order, for
// tools that read the program's classes or answer hierarchy questions
// about them; the driver's jar is part of it. Close the Path when done.
func (p Program) OpenClasspath() (classpath.Path, error) {
	if err := p.ensureDriver(); err != nil {
		return nil, err
	}
	var path classpath.Path
	for _, j := range p.Classpath(RunConfig{}) {
		src, err := classpath.Open(j)
		if err != nil {
			path.Close()
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		path = append(path, src)
	}
	return path, nil
}

// ensureDriver makes sure the driver's jar is there, if p has a driver.
func (p Program) ensureDriver() error {
	if p.Driver == "" {
		return nil
	}
	_, err := p.driverJar()
	return err
}

// JavaArgs are the arguments Run passes to java for a run in workDir.
func (p Program) JavaArgs(cfg RunConfig, workDir string) []string {
	args := slices.Clone(p.JVMFlags)
	// user.home and java.io.tmpdir point into the work directory so that
	// runs share no state: nothing is read from or cached in the caller's
	// home (Jython's ~/.jython, AWT's font configuration cache).
	args = append(args,
		"-Duser.home="+filepath.Join(workDir, "home"),
		"-Djava.io.tmpdir="+filepath.Join(workDir, "tmp"))
	args = append(args, cfg.JVMFlags...)
	if cfg.Launch != nil {
		args = append(args, cfg.Launch...)
	} else {
		args = append(args, "-cp", strings.Join(p.Classpath(cfg), string(os.PathListSeparator)))
	}
	args = append(args, p.Main)
	return append(args, p.Args...)
}

// JavaPath resolves cfg.Java: the launcher Run starts.
func (cfg RunConfig) JavaPath() (string, error) {
	if cfg.Java != "" {
		return cfg.Java, nil
	}
	if h := os.Getenv("JAVA_HOME"); h != "" {
		j := filepath.Join(h, "bin", "java")
		if _, err := os.Stat(j); err == nil {
			return j, nil
		}
	}
	return exec.LookPath("java")
}

// Command checks that p is installed, sets up the workload's inputs in
// workDir (created if need be) and returns the java command Run runs there:
// its class path, environment and standard input. Tools that start the JVM
// their own way (ShadowVM runs it under its agent) take its Args, Dir, Env
// and Stdin. done closes the input.
func (p Program) Command(ctx context.Context, cfg RunConfig, workDir string) (cmd *exec.Cmd, done func(), err error) {
	java, err := cfg.JavaPath()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: no java launcher (set RunConfig.Java or JAVA_HOME): %v", p.Name, err)
	}
	if workDir, err = filepath.Abs(workDir); err != nil {
		return nil, nil, fmt.Errorf("%s: work directory: %v", p.Name, err)
	}
	for _, f := range p.required() {
		if _, err := os.Stat(f); err != nil {
			return nil, nil, fmt.Errorf("%s: %s is missing (install Debian package %s and its dependencies): %v", p.Name, f, p.Package, err)
		}
	}
	if err := p.ensureDriver(); err != nil {
		return nil, nil, err
	}
	for _, j := range p.Classpath(cfg) {
		if _, err := os.Stat(j); err != nil {
			return nil, nil, fmt.Errorf("%s: class path entry %s: %v", p.Name, j, err)
		}
	}
	if err := p.prepare(workDir); err != nil {
		return nil, nil, fmt.Errorf("%s: preparing %s: %v", p.Name, workDir, err)
	}
	cmd = exec.CommandContext(ctx, java, p.JavaArgs(cfg, workDir)...)
	cmd.Dir = workDir
	cmd.Env = childEnv()
	cmd.WaitDelay = 10 * time.Second
	done = func() {}
	if p.Stdin != "" {
		f, err := os.Open(filepath.Join(workDir, p.Stdin))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: standard input: %v", p.Name, err)
		}
		cmd.Stdin = f
		done = func() { f.Close() }
	}
	return cmd, done, nil
}

// Run sets up the workload's inputs in workDir (created if need be), runs
// the program there, and collects its output. An earlier run's outputs in
// workDir are removed first, so a directory can be reused. The error names
// the program and what failed; a non-zero exit includes the end of stderr.
func (p Program) Run(ctx context.Context, cfg RunConfig, workDir string) (*Output, error) {
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd, done, err := p.Command(ctx, cfg, workDir)
	if err != nil {
		return nil, err
	}
	defer done()
	java, workDir := cmd.Path, cmd.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: stopped after %v (%v, limit %v); stderr ends:\n%s",
				p.Name, elapsed.Round(time.Millisecond), ctx.Err(), timeout, tail(stderr.String()))
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%s: java exited with %v; stderr ends:\n%s", p.Name, ee.ProcessState, tail(stderr.String()))
		}
		return nil, fmt.Errorf("%s: running %s: %v", p.Name, java, err)
	}
	return p.Collect(workDir, stdout.String(), stderr.String(), elapsed)
}

// Collect makes the Output of a run in workDir that exited normally: the
// streams given and the files of Outputs. Run calls it; tools that start
// the JVM themselves from Command call it after the JVM exits, so their
// runs compare with Run's by Diff.
func (p Program) Collect(workDir, stdout, stderr string, elapsed time.Duration) (*Output, error) {
	out := &Output{
		Program: p.Name,
		WorkDir: workDir,
		Stdout:  stdout,
		Stderr:  stderr,
		Files:   map[string][]byte{},
		Elapsed: elapsed,
	}
	for _, name := range p.Outputs {
		if err := readOutput(workDir, name, out.Files); err != nil {
			return nil, fmt.Errorf("%s: exited normally but wrote no %s: %v", p.Name, name, err)
		}
	}
	return out, nil
}

// readOutput adds output name, a file or a directory, to files.
func readOutput(workDir, name string, files map[string][]byte) error {
	if !strings.HasSuffix(name, "/") {
		data, err := os.ReadFile(filepath.Join(workDir, name))
		files[name] = data
		return err
	}
	n := 0
	err := filepath.WalkDir(filepath.Join(workDir, name), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(workDir, path)
		files[filepath.ToSlash(rel)] = data
		n++
		return err
	})
	if err == nil && n == 0 {
		err = errors.New("the directory is empty")
	}
	return err
}

// prepare writes the inputs and clears what an earlier run left behind.
func (p Program) prepare(workDir string) error {
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return err
	}
	stale := append(slices.Clone(p.Outputs), p.Scratch...)
	stale = append(stale, "home", "tmp")
	for _, name := range stale {
		if err := os.RemoveAll(filepath.Join(workDir, name)); err != nil {
			return err
		}
	}
	dirs := []string{"home", "tmp"}
	for _, name := range p.Outputs {
		if strings.HasSuffix(name, "/") {
			dirs = append(dirs, name)
		}
	}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(workDir, d), 0o755); err != nil {
			return err
		}
	}
	for _, in := range p.Inputs {
		var data []byte
		var err error
		if in.Path != "" {
			data, err = os.ReadFile(in.Path)
		} else {
			data, err = testdata.ReadFile("testdata/" + in.Name)
		}
		if err != nil {
			return fmt.Errorf("input %s: %v", in.Name, err)
		}
		if err := os.WriteFile(filepath.Join(workDir, in.Name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// childEnv is the caller's environment without what would change the JVM's
// behaviour behind our back: option variables the launcher picks up (and
// announces on stderr), and the locale and time zone, pinned so that output
// encoding and any date formatting do not depend on who runs the test.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "JAVA_TOOL_OPTIONS", k == "_JAVA_OPTIONS", k == "JDK_JAVA_OPTIONS", k == "CLASSPATH",
			k == "LANG", k == "LANGUAGE", k == "TZ", strings.HasPrefix(k, "LC_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C.UTF-8", "TZ=UTC")
}

// tail keeps the end of a long stderr for an error message.
func tail(s string) string {
	const max = 2000
	s = strings.TrimRight(s, "\n")
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return s
}

// Check verifies that an output shows the workload really ran (a generated
// lexer of some size, the expected number of rows, a picture that is not
// blank), beyond exiting normally. Diff compares two runs; Check guards
// against both runs doing nothing.
func (p Program) Check(o *Output) error {
	if o == nil {
		return fmt.Errorf("%s: no output", p.Name)
	}
	if p.check == nil {
		return nil
	}
	if err := p.check(o); err != nil {
		return fmt.Errorf("%s: %v", p.Name, err)
	}
	return nil
}

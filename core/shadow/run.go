package shadow

//go:generate ./build.sh

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"dvmlab/core/classpath"
	"dvmlab/core/shadow/agent"
)

//go:embed classes
var stubs embed.FS

func stubBytes(name string) ([]byte, error) {
	return stubs.ReadFile("classes/" + name + ".class")
}

// Config is one run of a program under analysis.
type Config struct {
	Analysis Analysis
	Ordering Ordering // "" means Global
	// InProcess runs the in-process equivalent instead: the same hooks
	// count in Java inside the observed VM (the analysis must be an
	// InProcessCounter).
	InProcess bool
	// NoEarlyHooks leaves out can_generate_early_class_hook_events, so
	// classes loaded in the primordial phase are not offered (to measure
	// what the capability brings).
	NoEarlyHooks bool
	// IDField identifies objects of non-JDK classes by a field the
	// instrumentation server injects instead of JVMTI tags (see
	// Instrumenter.UseIDField).
	IDField bool
	// IdentifyTiming makes the agent time object identification
	// (AnalysisStats.IdentifyNanos).
	IdentifyTiming bool
	// Java is the command: the java launcher, then its arguments.
	Java           []string
	Dir            string
	Env            []string // nil: this process's
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// JavaHome is the JDK whose headers the agent is built against and
	// whose classes frames are computed with; "" means $JAVA_HOME or the
	// java on PATH.
	JavaHome string
	// AgentDir is where the agent library is built; "" the user cache.
	AgentDir string
	// Log, if set, receives an event log of the run (see ReadLogFile).
	Log io.Writer
	// WrapAnalysisConn, if set, wraps the analysis server's connection;
	// robustness tests use it to make the server die mid-run.
	WrapAnalysisConn func(net.Conn) net.Conn
	// Deadline bounds the wait for the analysis server to finish after
	// the JVM exits.
	Deadline time.Duration
}

// Result is what a run produced.
type Result struct {
	ExitCode   int
	Elapsed    time.Duration // the observed JVM, from start to exit
	Instrument InstrumentStats
	Analysis   AnalysisStats
	Registry   *Registry
	// Errors lists classes that could not be instrumented, and server
	// errors.
	Errors []error
	Skips  map[string]int
	// Counts are the in-process counts (InProcess runs).
	Counts []int64
}

// Run runs cfg.Java under the agent with cfg.Analysis on this process's
// analysis server. Everything about the hooks is checked before the JVM
// starts.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Analysis == nil {
		return nil, errors.New("shadow: no analysis")
	}
	if len(cfg.Java) == 0 {
		return nil, errors.New("shadow: no java command")
	}
	if cfg.Ordering == "" {
		cfg.Ordering = Global
	}
	if cfg.Deadline == 0 {
		cfg.Deadline = 5 * time.Minute
	}
	if cfg.InProcess {
		if _, ok := cfg.Analysis.(InProcessCounter); !ok {
			return nil, fmt.Errorf("shadow: analysis %s has no in-process equivalent", cfg.Analysis.Name())
		}
	}
	hooks := cfg.Analysis.Hooks()
	reg := NewRegistry()
	javaHome := cfg.JavaHome
	if javaHome == "" {
		h, err := classpath.JavaHome()
		if err != nil {
			return nil, err
		}
		javaHome = h
	}
	jdk, err := classpath.OpenJDK(javaHome)
	if err != nil {
		return nil, err
	}
	defer jdk.Close()
	finders := []classpath.Finder{jdk}
	if cp := programClasspath(cfg.Java[1:], cfg.Dir); len(cp) > 0 {
		p, err := classpath.ParsePath(strings.Join(cp, string(os.PathListSeparator)))
		if err == nil {
			defer p.Close()
			finders = append(finders, p)
		}
	}
	inst, err := NewInstrumenter(hooks, reg, cfg.Ordering, cfg.InProcess, finders...)
	if err != nil {
		return nil, err
	}
	if cfg.IDField {
		inst.UseIDField()
	}
	stub := EventsClass
	if cfg.InProcess {
		stub = CountsClass
		if ia, ok := cfg.Analysis.(InProcessAnalysis); ok {
			stub = ia.InProcessClass()
			if err := inst.CallInProcess(stub); err != nil {
				return nil, err
			}
		}
	}
	lib, err := agent.Build(javaHome, cfg.AgentDir)
	if err != nil {
		return nil, err
	}
	stubData, err := stubBytes(stub)
	if err != nil {
		return nil, err
	}

	instL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer instL.Close()
	anaL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer anaL.Close()

	res := &Result{Registry: reg}
	sess := newSession(cfg.Analysis, hooks, reg, cfg.Ordering)
	if cfg.Log != nil {
		sess.log = newLogWriter(cfg.Log)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		served = make(chan struct{})
	)
	addErr := func(err error) {
		mu.Lock()
		res.Errors = append(res.Errors, err)
		mu.Unlock()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		conn, err := instL.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		if err := serveInstrumentation(conn, inst, stub, stubData); err != nil && !errors.Is(err, net.ErrClosed) {
			addErr(fmt.Errorf("instrumentation server: %w", err))
		}
	}()
	go func() {
		defer wg.Done()
		defer close(served)
		conn, err := anaL.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		if cfg.WrapAnalysisConn != nil {
			conn = cfg.WrapAnalysisConn(conn)
		}
		if err := sess.serve(conn); err != nil {
			addErr(fmt.Errorf("analysis server: %w", err))
		}
	}()

	opts := fmt.Sprintf("inst=%s,analysis=%s", instL.Addr(), anaL.Addr())
	if cfg.InProcess {
		opts += ",mode=inprocess"
	}
	if cfg.NoEarlyHooks {
		opts += ",early=0"
	}
	if cfg.IdentifyTiming {
		opts += ",tagtime=1"
	}
	if cfg.IDField && !cfg.InProcess {
		opts += ",idfield=1"
	}
	// Binding natives of a java.base class from an agent makes JDK 17 log
	// a warning per method on the program's standard output; that one log
	// tag is turned off so the program's output stays its own.
	args := append([]string{"-agentpath:" + lib + "=" + opts, "-Xlog:jni+resolve=off"}, cfg.Java[1:]...)
	cmd := exec.CommandContext(ctx, cfg.Java[0], args...)
	cmd.Dir, cmd.Env = cfg.Dir, cfg.Env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = cfg.Stdin, cfg.Stdout, cfg.Stderr
	start := time.Now()
	runErr := cmd.Run()
	res.Elapsed = time.Since(start)
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return nil, fmt.Errorf("shadow: %s: %w", cfg.Java[0], runErr)
	}
	// The JVM is gone; its connections end, so the servers finish.
	select {
	case <-served:
	case <-time.After(cfg.Deadline):
		addErr(fmt.Errorf("analysis server: still busy %s after the JVM exited", cfg.Deadline))
	}
	instL.Close()
	anaL.Close()
	wg.Wait()
	if sess.log != nil {
		if err := sess.log.finish(cfg.Analysis.Name(), cfg.Ordering, hooks, reg); err != nil {
			addErr(fmt.Errorf("event log: %w", err))
		}
	}
	res.Instrument = inst.Stats()
	res.Errors = append(res.Errors, inst.Errors()...)
	res.Skips = inst.Skips()
	res.Analysis = sess.stats
	res.Counts = sess.counts
	if cfg.InProcess {
		cfg.Analysis.(InProcessCounter).Counts(sess.counts, reg)
	}
	return res, nil
}

// programClasspath finds the class path in java arguments (-cp, -classpath,
// --class-path, -jar), relative to dir.
func programClasspath(args []string, dir string) []string {
	var cp []string
	abs := func(p string) string {
		if filepath.IsAbs(p) || dir == "" {
			return p
		}
		return filepath.Join(dir, p)
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case (a == "-cp" || a == "-classpath" || a == "--class-path") && i+1 < len(args):
			for _, e := range filepath.SplitList(args[i+1]) {
				cp = append(cp, abs(e))
			}
			i++
		case a == "-jar" && i+1 < len(args):
			return append(cp, abs(args[i+1]))
		case !strings.HasPrefix(a, "-"):
			return cp // the main class: the rest are the program's
		}
	}
	return cp
}

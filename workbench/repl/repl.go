// Package repl is dvmlab's read-eval-print loop: load class files, browse
// them, and step a class through the same service pipeline the proxy runs,
// stage by stage, with a diff of the code at each step. Scripts (repl -f,
// or commands on standard input) drive it without a terminal, which is how
// notebooks and tests use it.
package repl

import (
	"dvmlab/core/shadow"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/service"
	"dvmlab/workbench/cli"
	"dvmlab/workbench/listing"
)

// Session is the REPL's state: loaded sources and the stepper.
type Session struct {
	Out, Err io.Writer

	sources []classpath.Source
	owner   map[string]classpath.Source // internal name -> where it was loaded from

	spec     string
	pipeline *service.Pipeline
	frames   bool

	// The stepper: the class under way, the stage reached (0 = parsed,
	// k = after k services, len+1 = emitted) and the bytes before and after
	// the last step.
	class      string
	original   []byte
	stage      int
	prev, cur  []byte
	reports    []service.Report
	quit       bool
	hierarchyJ classpath.Source

	trails []*trail // loaded audit trails

	shadowLog  *shadow.Log // the last ShadowVM event log loaded
	shadowPath string

	// The current class and method: what show showed last, what step and
	// diff take when given none.
	current, currentMethod string

	// walk is the method native showed last, which step walks through
	// the compiler's passes until show or step CLASS takes up a class.
	walk *nativeWalk

	// coverage holds the loaded coverage profiles: class (internal name)
	// -> block number -> executions; show overlays them on the listing.
	coverage map[string]map[int]int64
}

// NewSession starts an empty session writing to out and err.
func NewSession(out, errOut io.Writer) *Session {
	p, err := service.Parse(cli.DefaultPipeline)
	if err != nil {
		panic(err) // the default names a service this binary lacks
	}
	return &Session{Out: out, Err: errOut, owner: map[string]classpath.Source{}, spec: cli.DefaultPipeline, pipeline: p,
		coverage: map[string]map[int]int64{}}
}

// Close releases the loaded sources.
func (s *Session) Close() {
	for _, src := range s.sources {
		src.Close()
	}
	if s.hierarchyJ != nil {
		s.hierarchyJ.Close()
	}
}

// Done reports whether quit was given.
func (s *Session) Done() bool { return s.quit }

type command struct {
	name, usage, summary, example string
	run                           func(s *Session, args []string) error
}

var commands []command

func init() {
	commands = append(commands, []command{
		{"load", "load PATH|jdk", "load classes from a class file, directory, jar or jmod, or the running JDK's classes (jdk); a coverage profile (.txt) mapped onto the loaded classes; a proxy's audit trail (SQLite), summarised per client session; or a ShadowVM event log (dvmlab shadow --log); show then overlays the profile's counts", "load /usr/share/java/JLex.jar", (*Session).load},
		{"shadow", "shadow [--top N] [--ordering global|thread|group]", "replay the loaded ShadowVM event log with the analysis that recorded it and show the top rows of its table", "shadow --top 5", (*Session).shadowTable},
		{"trace", "trace [--session ID] [--outcome O] [URL-SUBSTRING]", "list what the loaded audit trails record: each class or jar served, to which session, with which outcome", "trace --outcome replaced", (*Session).trace},
		{"classes", "classes [GLOB]", "list loaded classes, optionally matching a glob on the binary or internal name", "classes JLex.C*", (*Session).classes},
		{"show", "show [--flow|-v] [CLASS[.METHOD]]", "disassemble a class, or one method, in javap's layout, and make it the current one (without CLASS: the current one again); --flow draws branch targets and exception ranges, -v shows the constant pool and attributes; a loaded coverage profile's counts are shown left of the code", "show --flow JLex.Main.main", (*Session).show},
		{"find", "find TEXT", "the lines of the current class's listing (or method's) that contain TEXT, with the method each is in", "find invokevirtual", (*Session).find},
		{"services", "services", "list the static services a pipeline can run", "services", (*Session).services},
		{"pipeline", "pipeline [SERVICE,…] [--frames keep|recompute]", "show or set the pipeline the stepper runs (none: parse and emit; the default: " + cli.DefaultPipeline + ", as in the TUI); --frames recompute recomputes frames in every method", "pipeline coverage --frames recompute", (*Session).setPipeline},
		{"step", "step [CLASS]", "start stepping CLASS (or the current class) through the pipeline, or take the next step; after native CLASS.METHOD, the method's IR after the compiler's next pass, then its amd64 and alpha assembly", "step JLex.CSpec", (*Session).step},
		{"diff", "diff [METHOD]", "the code before and after the last step, method by method and aligned by instruction (of the current method, if show chose one): removed lines start with -, added with +", "diff <init>", (*Session).diff},
		{"frames", "frames CLASS[.METHOD]", "the types of the locals and the operand stack before every instruction of a method (JVMS §4.10.1), as the frame computer finds them", "frames JLex.CSpec.<init>", (*Session).showFrames},
		{"help", "help [COMMAND]", "this list, or one command's usage and an example", "help step", (*Session).help},
		{"tour", "tour [JAR CLASS]", "follow one class from origin to client, explaining each stage (JLex by default)", "tour", (*Session).tour},
		{"quit", "quit", "leave the REPL", "quit", func(s *Session, _ []string) error { s.quit = true; return nil }},
	}...)
}

// Exec runs one command line. Errors are returned, never panics; the caller
// prints them on one line and goes on.
func (s *Session) Exec(line string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	args, err := splitArgs(line)
	if err != nil {
		return err
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "#") {
		return nil
	}
	cliOnly := false
	switch args[0] {
	case "exit":
		args[0] = "quit"
	case "run":
		// "run javap -c X" runs any command-line command, also one whose
		// name the REPL uses for its own (shadow).
		args, cliOnly = args[1:], true
		if len(args) == 0 {
			return errors.New("run: which command? (see dvmlab help)")
		}
	}
	for _, c := range commands {
		if c.name == args[0] && !cliOnly {
			return c.run(s, args[1:])
		}
	}
	if cli.Lookup(args[0]) != nil {
		if code := cli.Run(&cli.Env{Stdout: s.Out, Stderr: s.Err}, args); code != 0 {
			return fmt.Errorf("%s exited with status %d", args[0], code)
		}
		return nil
	}
	return fmt.Errorf("unknown command %q (try help)", args[0])
}

// splitArgs splits a line on spaces, honouring double and single quotes.
func splitArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	in := false
	var quote rune
	quoted := false
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, quoted, in = r, true, true
		case r == ' ' || r == '\t':
			if in {
				args = append(args, cur.String())
				cur.Reset()
				in, quoted = false, false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if in || quoted {
		args = append(args, cur.String())
	}
	return args, nil
}

func (s *Session) load(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: load PATH")
	}
	if isCoverageFile(args[0]) {
		return s.loadCoverage(args[0])
	}
	if isSQLite(args[0]) {
		return s.loadAudit(args[0])
	}
	if isShadowLog(args[0]) {
		return s.loadShadowLog(args[0])
	}
	var src classpath.Source
	var err error
	if _, statErr := os.Stat(args[0]); args[0] == "jdk" && statErr != nil {
		src, err = classpath.OpenJDK("")
	} else {
		src, err = classpath.Open(args[0])
	}
	if err != nil {
		return err
	}
	names, err := src.Names()
	if err != nil {
		src.Close()
		return err
	}
	s.sources = append(s.sources, src)
	for _, n := range names {
		if _, ok := s.owner[n]; !ok {
			s.owner[n] = src
		}
	}
	fmt.Fprintf(s.Out, "loaded %d classes from %s\n", len(names), src)
	return nil
}

func (s *Session) names() []string {
	out := make([]string, 0, len(s.owner))
	for n := range s.owner {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (s *Session) classes(args []string) error {
	if len(args) > 1 {
		return errors.New("usage: classes [GLOB]")
	}
	n := 0
	for _, name := range s.names() {
		if len(args) == 1 {
			bin := classfile.BinaryName(name)
			okBin, err := path.Match(args[0], bin)
			if err != nil {
				return fmt.Errorf("bad glob %q: %v", args[0], err)
			}
			okInt, _ := path.Match(args[0], name)
			if !okBin && !okInt {
				continue
			}
		}
		fmt.Fprintln(s.Out, classfile.BinaryName(name))
		n++
	}
	if n == 0 && len(s.owner) == 0 {
		return errors.New("no classes loaded (try: load PATH)")
	}
	return nil
}

// resolve splits CLASS[.METHOD] at the longest loaded class name.
func (s *Session) resolve(arg string) (class, method string, err error) {
	name := classfile.InternalName(arg)
	if _, ok := s.owner[name]; ok {
		return name, "", nil
	}
	if i := strings.LastIndex(arg, "."); i > 0 {
		c := classfile.InternalName(arg[:i])
		if _, ok := s.owner[c]; ok {
			return c, arg[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("no loaded class %s", arg)
}

func (s *Session) read(class string) (*classfile.Class, []byte, error) {
	data, err := s.owner[class].Find(class)
	if err != nil {
		return nil, nil, err
	}
	c, err := classfile.Parse(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", class, err)
	}
	return c, data, nil
}

func (s *Session) show(args []string) error {
	s.walk = nil
	var flow, verbose bool
	var rest []string
	for _, a := range args {
		switch a {
		case "--flow":
			flow = true
		case "-v":
			verbose = true
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) > 1 || (verbose && flow) {
		return errors.New("usage: show [--flow|-v] [CLASS[.METHOD]]")
	}
	class, method := s.current, s.currentMethod
	if len(rest) == 1 {
		var err error
		if class, method, err = s.resolve(rest[0]); err != nil {
			return err
		}
	} else if class == "" {
		return errors.New("no current class (try: show CLASS[.METHOD])")
	}
	_, data, err := s.read(class)
	if err != nil {
		return err
	}
	var lines []string
	switch {
	case verbose && method != "":
		err = errors.New("-v shows a whole class")
	case verbose:
		lines, err = listing.Verbose(data)
	case flow:
		lines, err = listing.Annotated(data, method)
	default:
		lines, err = listing.Of(data, method)
	}
	if err == nil && !verbose && s.coverage[class] != nil {
		lines, err = s.overlay(lines, class, data, method)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", classfile.BinaryName(class), err)
	}
	s.current, s.currentMethod = class, method
	for _, l := range lines {
		fmt.Fprintln(s.Out, l)
	}
	return nil
}

func (s *Session) services(args []string) error {
	fmt.Fprintln(s.Out, "none")
	for _, n := range service.Names() {
		fmt.Fprintln(s.Out, n)
	}
	return nil
}

func (s *Session) setPipeline(args []string) error {
	const usage = "usage: pipeline [SERVICE,…] [--frames keep|recompute]"
	frames := s.frames
	var spec []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if v, ok := strings.CutPrefix(a, "--frames="); ok || a == "--frames" {
			if !ok {
				if i+1 == len(args) {
					return errors.New("--frames takes keep or recompute; " + usage)
				}
				i++
				v = args[i]
			}
			var err error
			if frames, err = cli.ParseFrames(v); err != nil {
				return err
			}
			continue
		}
		spec = append(spec, a)
	}
	if len(spec) > 1 {
		return errors.New(usage)
	}
	if len(spec) == 0 {
		spec = []string{s.spec}
	}
	p, err := service.Parse(spec[0])
	if err != nil {
		return err
	}
	p.RecomputeFrames = frames
	s.pipeline, s.spec, s.frames = p, spec[0], frames
	s.class = ""
	fmt.Fprintf(s.Out, "pipeline: parse, %s%s, emit\n", p, map[bool]string{true: ", frames", false: ""}[frames])
	return nil
}

// hierarchy gives frame computation the loaded classes, then the JDK.
func (s *Session) hierarchy() {
	var finders []classpath.Finder
	for _, src := range s.sources {
		finders = append(finders, src)
	}
	if s.hierarchyJ == nil {
		if jdk, err := classpath.OpenJDK(""); err == nil {
			s.hierarchyJ = jdk
		}
	}
	if s.hierarchyJ != nil {
		finders = append(finders, s.hierarchyJ)
	}
	s.pipeline.Hierarchy = classpath.NewHierarchy(finders...)
}

// stageName names stage k of the current pipeline.
func (s *Session) stageName(k int) string {
	n := len(s.pipeline.Services)
	switch {
	case k == 0:
		return "parsed"
	case k <= n:
		return s.pipeline.Services[k-1].Name()
	case s.frames:
		return "frames recomputed, emitted"
	}
	return "emitted"
}

func (s *Session) step(args []string) error {
	if len(args) > 1 {
		return errors.New("usage: step [CLASS]")
	}
	if len(args) == 0 && s.walk != nil {
		return s.nativeStep()
	}
	s.walk = nil
	// A class shown since the last step CLASS is the one to step.
	if len(args) == 0 && s.current != "" && s.current != s.class {
		args = []string{classfile.BinaryName(s.current)}
	}
	if len(args) == 1 {
		class, _, err := s.resolve(args[0])
		if err != nil {
			return err
		}
		if class != s.current {
			s.current, s.currentMethod = class, ""
		}
		_, data, err := s.read(class)
		if err != nil {
			return err
		}
		s.hierarchy()
		s.class, s.original, s.stage = class, data, 0
		s.prev, s.cur, s.reports = data, data, nil
		fmt.Fprintf(s.Out, "stage 0/%d parsed: %s, %d bytes, pipeline %s\n", len(s.pipeline.Services)+1, classfile.BinaryName(class), len(data), s.spec)
		return nil
	}
	if s.class == "" {
		return errors.New("nothing under way (try: step CLASS)")
	}
	last := len(s.pipeline.Services) + 1
	if s.stage >= last {
		return fmt.Errorf("%s already emitted (step CLASS to start again)", classfile.BinaryName(s.class))
	}
	s.stage++
	stages := s.stage
	if s.stage == last {
		stages = -1 // emit: every service and, if set, frames
	}
	t0 := time.Now()
	res, err := s.pipeline.ProcessStages(s.original, stages)
	if err != nil {
		return err
	}
	s.prev, s.cur = s.cur, res.Out
	fmt.Fprintf(s.Out, "stage %d/%d %s: %d -> %d bytes, %v\n", s.stage, last, s.stageName(s.stage), len(s.prev), len(s.cur), time.Since(t0).Round(time.Microsecond))
	if s.stage <= len(res.Reports) && s.stage < last {
		r := res.Reports[s.stage-1]
		fmt.Fprintf(s.Out, "  report: %d inserted, %d static, %d deferred, %v\n", r.Inserted, r.Static, r.Deferred, r.Elapsed.Round(time.Microsecond))
		for _, n := range r.Notes {
			fmt.Fprintf(s.Out, "  note: %s\n", n)
		}
	}
	ins := 0
	for _, r := range res.Reports {
		ins += r.Inserted
	}
	fmt.Fprintf(s.Out, "  so far: %d reports, %d inserted\n", len(res.Reports), ins)
	return nil
}

func (s *Session) diff(args []string) error {
	if len(args) > 1 {
		return errors.New("usage: diff [METHOD]")
	}
	if s.class == "" {
		return errors.New("nothing under way (try: step CLASS)")
	}
	method := ""
	if s.current == s.class {
		method = s.currentMethod
	}
	if len(args) == 1 {
		method = args[0]
	}
	lines, err := listing.DiffClasses(s.prev, s.cur, method)
	if err != nil {
		return err
	}
	changed := 0
	for _, l := range lines {
		if l != "" && l[0] != ' ' {
			changed++
		}
		fmt.Fprintln(s.Out, l)
	}
	if changed == 0 {
		fmt.Fprintln(s.Out, "(no change at this stage)")
	}
	return nil
}

func (s *Session) help(args []string) error {
	if len(args) == 1 {
		for _, c := range commands {
			if c.name == args[0] {
				fmt.Fprintf(s.Out, "usage: %s\n\n%s\n\nexample:\n  %s\n", c.usage, c.summary, c.example)
				return nil
			}
		}
		if c := cli.Lookup(args[0]); c != nil {
			fmt.Fprintf(s.Out, "usage: %s\n\n%s\n\nexample:\n  %s\n", c.Usage, c.Summary, strings.ReplaceAll(strings.TrimPrefix(c.Example, "dvmlab "), "\ndvmlab ", "\n  "))
			return nil
		}
		return fmt.Errorf("no command %q", args[0])
	}
	for _, c := range commands {
		fmt.Fprintf(s.Out, "  %-28s %s\n", c.usage, c.summary)
	}
	fmt.Fprintln(s.Out, "\ncommand-line commands work here too (prefix with run if a name clashes):")
	for _, c := range cli.Commands() {
		if c.Name != "repl" {
			fmt.Fprintf(s.Out, "  %-28s %s\n", c.Name, c.Summary)
		}
	}
	return nil
}

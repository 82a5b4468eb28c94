package analyses

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/shadow"
	"dvmlab/internal/jvmtest"
)

func allocsProgram(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "Allocs.java"))
	if err != nil {
		t.Fatal(err)
	}
	return jvmtest.Javac(t, map[string]string{"Allocs.java": string(src)})
}

// checked wraps an analysis and records every breach of the lifecycle
// guarantees: an event naming a dead object or an ended thread, anything
// after VM death, an object id given twice to fresh allocations.
type checked struct {
	shadow.Analysis
	mu         sync.Mutex
	dead       map[uint64]bool
	ended      map[uint64]bool
	seen       map[uint64]bool
	death      bool
	violations []string
}

func newChecked(a shadow.Analysis) *checked {
	return &checked{Analysis: a, dead: map[uint64]bool{}, ended: map[uint64]bool{}, seen: map[uint64]bool{}}
}

func (c *checked) violate(format string, args ...any) {
	if len(c.violations) < 20 {
		c.violations = append(c.violations, fmt.Sprintf(format, args...))
	}
}

func (c *checked) Hooks() []*shadow.Hook {
	hooks := c.Analysis.Hooks()
	for _, h := range hooks {
		inner := h.Handle
		h.Handle = func(e *shadow.Event) {
			c.mu.Lock()
			if c.death {
				c.violate("event after VM death")
			}
			if c.ended[e.Thread.ID] {
				c.violate("event of thread %d after its end", e.Thread.ID)
			}
			if o, ok := e.Args[0].(*shadow.ShadowObject); ok && o != nil {
				if c.dead[o.ID] {
					c.violate("event naming %v after its death", o)
				}
				if c.seen[o.ID] {
					c.violate("id %x of a fresh object seen before", o.ID)
				}
				c.seen[o.ID] = true
			}
			c.mu.Unlock()
			inner(e)
		}
	}
	return hooks
}

func (c *checked) ObjectFree(o *shadow.ShadowObject) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.death {
		c.violate("object free after VM death")
	}
	if c.dead[o.ID] {
		c.violate("%v freed twice", o)
	}
	c.dead[o.ID] = true
}

func (c *checked) ThreadEnd(t *shadow.ShadowThread) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.death {
		c.violate("thread end after VM death")
	}
	c.ended[t.ID] = true
}

func (c *checked) VMDeath() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.death {
		c.violate("VM death twice")
	}
	c.death = true
}

// runAllocs runs the test program under the allocation counter and checks
// the counts at its two sites are exactly what it allocates.
func runAllocs(t *testing.T, dir string, ord shadow.Ordering, inProcess bool, threads, daemons, perThread int, extra ...string) *shadow.Result {
	t.Helper()
	a := &Alloc{}
	c := newChecked(a)
	var an shadow.Analysis = c
	if inProcess {
		an = a
	}
	var out, errb bytes.Buffer
	java := append([]string{jvmtest.Tool(t, "java"), "-Xshare:off", "-Xmx24m", "-Xmn2m", "-DperThread=" + strconv.Itoa(perThread)}, extra...)
	java = append(java, "-cp", dir, "Allocs", strconv.Itoa(threads), strconv.Itoa(daemons))
	res, err := shadow.Run(context.Background(), shadow.Config{Analysis: an, Ordering: ord, InProcess: inProcess,
		Java: java, Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("%s in-process=%v threads=%d daemons=%d per=%d", ord, inProcess, threads, daemons, perThread)
	if res.ExitCode != 0 || strings.TrimSpace(out.String()) != fmt.Sprintf("done %d", threads+daemons) {
		t.Fatalf("%s: exit %d, stdout %q, stderr %s", name, res.ExitCode, out.String(), errb.String())
	}
	if len(res.Errors) > 0 {
		t.Errorf("%s: %v", name, res.Errors)
	}
	n := int64(threads + daemons)
	want := map[string]int64{"Allocs$Box": n * int64(perThread), "[I": n * int64((perThread+1)/2)}
	got := map[string]int64{}
	for _, r := range a.Rows() {
		if strings.HasPrefix(r.Site, "Allocs.work()V@") {
			got[r.Class] += r.Count
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s allocated %d times, counted %d", name, k, v, got[k])
		}
	}
	if !inProcess {
		if !res.Analysis.Death || len(c.violations) > 0 {
			t.Errorf("%s: death %v, violations %v", name, res.Analysis.Death, c.violations)
		}
		if res.Analysis.Panics != nil {
			t.Errorf("%s: %v", name, res.Analysis.Panics)
		}
	}
	return res
}

// Exact counts under every ordering model and in process, with daemon
// threads still alive at VM death, and a small heap so that objects die
// (and their frees are ordered) while the program runs.
func TestExactCountsEveryOrdering(t *testing.T) {
	dir := allocsProgram(t)
	for _, ord := range []shadow.Ordering{shadow.Global, shadow.PerThread, shadow.PerGroup} {
		res := runAllocs(t, dir, ord, false, 4, 3, 20000)
		t.Logf("%s: %+v", ord, res.Analysis)
		if res.Analysis.Frees == 0 {
			t.Errorf("%s: no object free notification in a run that allocates %d objects with a 2 MB young generation", ord, res.Analysis.Objects)
		}
		if ord == shadow.PerGroup && res.Analysis.Groups <= 128 {
			t.Errorf("group ordering used %d groups; want more than 128", res.Analysis.Groups)
		}
		if res.Analysis.ThreadEnds < 4 {
			t.Errorf("%s: %d thread ends, want at least the 4 workers'", ord, res.Analysis.ThreadEnds)
		}
	}
	runAllocs(t, dir, shadow.Global, true, 4, 3, 20000)
}

// TestStress repeats the exactness check with seeded random shapes:
// DVMLAB_SHADOW_STRESS runs (default 4), seed DVMLAB_SHADOW_SEED.
func TestStress(t *testing.T) {
	if testing.Short() {
		t.Skip("runs JVMs")
	}
	runs := 4
	if s := os.Getenv("DVMLAB_SHADOW_STRESS"); s != "" {
		runs, _ = strconv.Atoi(s)
	}
	seed := int64(1)
	if s := os.Getenv("DVMLAB_SHADOW_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	rng := rand.New(rand.NewSource(seed))
	dir := allocsProgram(t)
	ords := []shadow.Ordering{shadow.Global, shadow.PerThread, shadow.PerGroup}
	for i := 0; i < runs; i++ {
		ord := ords[rng.Intn(len(ords))]
		threads, daemons, per := rng.Intn(6), rng.Intn(4), 1+rng.Intn(30000)
		runAllocs(t, dir, ord, false, threads, daemons, per)
		if t.Failed() {
			t.Fatalf("run %d (seed %d) failed", i, seed)
		}
	}
	t.Logf("%d runs, seed %d: all exact", runs, seed)
}

var loadLine = regexp.MustCompile(`^\[[^\]]*\]\[info\]\[class,load\] (\S+) source: (.*)$`)

// Every class the JVM reports loading is offered to the instrumentation
// server, the primordial phase's included; allocations inside java.base
// are counted.
func TestFullCoverage(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Hello.java": `public class Hello { public static void main(String[] a) { System.out.println("hello " + a.length); } }`})
	log := filepath.Join(t.TempDir(), "load.log")
	a := &Alloc{}
	var out bytes.Buffer
	res, err := shadow.Run(context.Background(), shadow.Config{Analysis: a,
		Java:   []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-Xlog:class+load=info:file=" + log, "-cp", dir, "Hello"},
		Stdout: &out, Stderr: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello 0\n" {
		t.Fatalf("stdout %q", out.String())
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	offered := map[string]bool{}
	for _, n := range res.Registry.OfferedNames() {
		offered[strings.ReplaceAll(n, "/", ".")] = true
	}
	loaded, hidden, missing := 0, 0, []string{}
	for _, line := range strings.Split(string(data), "\n") {
		m := loadLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		loaded++
		if strings.Contains(m[1], "/0x") {
			hidden++ // hidden classes (lambda forms) are defined, never loaded from bytes a hook could see
			continue
		}
		if !offered[m[1]] && m[1] != strings.ReplaceAll(shadow.EventsClass, "/", ".") {
			missing = append(missing, m[1])
		}
	}
	t.Logf("%d classes loaded (%d hidden), %d offered", loaded, hidden, res.Instrument.Classes)
	if len(missing) > 0 {
		t.Errorf("%d loaded classes never offered: %v", len(missing), missing[:min(len(missing), 20)])
	}
	if res.Instrument.Classes < 300 {
		t.Errorf("only %d classes offered for hello world; the primordial phase's are missing", res.Instrument.Classes)
	}
	var javaSites, javaCount int64
	for _, r := range a.Rows() {
		if strings.HasPrefix(r.Site, "java/") {
			javaSites++
			javaCount += r.Count
		}
	}
	if javaSites < 50 {
		t.Errorf("%d allocation sites in java/ classes counted", javaSites)
	}
	t.Logf("%d java/ allocation sites, %d allocations", javaSites, javaCount)

	// Without the early capability the primordial phase goes unseen.
	late := &Calls{Scope: "Hello"}
	res2, err := shadow.Run(context.Background(), shadow.Config{Analysis: late, NoEarlyHooks: true,
		Java: []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-cp", dir, "Hello"}, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("offered with early hooks %d, without %d", res.Instrument.Classes, res2.Instrument.Classes)
	if res2.Instrument.Classes >= res.Instrument.Classes/2 {
		t.Errorf("without early hooks %d classes offered, with %d", res2.Instrument.Classes, res.Instrument.Classes)
	}
	// A hook that sends no object tags none.
	if res2.Analysis.Objects != 0 {
		t.Errorf("the call profiler sends no object, yet %d objects got identities", res2.Analysis.Objects)
	}
}

// dying is a connection that fails after n bytes, as if the analysis
// server had crashed.
type dying struct {
	net.Conn
	left int
}

func (d *dying) Read(p []byte) (int, error) {
	if d.left <= 0 {
		d.Conn.Close()
		return 0, errors.New("analysis server killed")
	}
	if len(p) > d.left {
		p = p[:d.left]
	}
	n, err := d.Conn.Read(p)
	d.left -= n
	return n, err
}

func TestAnalysisServerDies(t *testing.T) {
	dir := allocsProgram(t)
	var out, errb bytes.Buffer
	res, err := shadow.Run(context.Background(), shadow.Config{Analysis: &Alloc{}, Ordering: shadow.PerThread,
		Java:   []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-DperThread=50000", "-cp", dir, "Allocs", "3", "1"},
		Stdout: &out, Stderr: &errb,
		WrapAnalysisConn: func(c net.Conn) net.Conn { return &dying{Conn: c, left: 200000} }})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 || out.String() != "done 4\n" {
		t.Fatalf("the program did not carry on: exit %d, stdout %q, stderr %s", res.ExitCode, out.String(), errb.String())
	}
	if n := strings.Count(errb.String(), "analysis server is gone"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, errb.String())
	}
}

func TestBadHooksRefusedBeforeTheJVM(t *testing.T) {
	noop := func(*shadow.Event) {}
	bad := []*shadow.Hook{
		{Name: "after-goto", Marker: shadow.Marker{Kind: shadow.After, Ops: []bytecode.Opcode{bytecode.Goto}}, Handle: noop},
		{Name: "stack-at-entry", Marker: shadow.Marker{Kind: shadow.MethodEntry}, Args: []shadow.Arg{{Kind: shadow.StackValue}}, Handle: noop},
		{Name: "field-of-new", Marker: shadow.Marker{Kind: shadow.Before, Ops: []bytecode.Opcode{bytecode.New}}, Args: []shadow.Arg{{Kind: shadow.FieldID}}, Handle: noop},
		{Name: "scope", Marker: shadow.Marker{Kind: shadow.MethodEntry}, Scope: "java.util.List.get", Handle: noop},
		{Name: "no-ops", Marker: shadow.Marker{Kind: shadow.Before}, Handle: noop},
		{Name: "no-handler", Marker: shadow.Marker{Kind: shadow.MethodEntry}},
	}
	for _, h := range bad {
		_, err := shadow.Run(context.Background(), shadow.Config{Analysis: &fixed{hooks: []*shadow.Hook{h}},
			Java: []string{"/nonexistent/java", "-version"}})
		if err == nil || !strings.Contains(err.Error(), h.Name) || strings.Contains(err.Error(), "nonexistent") {
			t.Errorf("hook %s: %v", h.Name, err)
		}
	}
	if _, err := New("nosuch", ""); err == nil {
		t.Error("unknown analysis accepted")
	}
}

type fixed struct{ hooks []*shadow.Hook }

func (f *fixed) Name() string                    { return "fixed" }
func (f *fixed) Hooks() []*shadow.Hook           { return f.hooks }
func (f *fixed) ObjectFree(*shadow.ShadowObject) {}
func (f *fixed) ThreadEnd(*shadow.ShadowThread)  {}
func (f *fixed) VMDeath()                        {}

// A recorded run replays to the same table under every ordering model.
func TestLogReplay(t *testing.T) {
	dir := allocsProgram(t)
	var log bytes.Buffer
	live := &Alloc{}
	res, err := shadow.Run(context.Background(), shadow.Config{Analysis: live, Ordering: shadow.PerThread, Log: &log,
		Java: []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-Xmn2m", "-DperThread=3000", "-cp", dir, "Allocs", "2", "1"}})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("%v exit %v", err, res)
	}
	l, err := shadow.ParseLog(log.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, ord := range []shadow.Ordering{shadow.Global, shadow.PerThread, shadow.PerGroup} {
		again := &Alloc{}
		st, err := l.Replay(again, ord)
		if err != nil {
			t.Fatal(err)
		}
		if st.Events != res.Analysis.Events || !st.Death {
			t.Errorf("%s: replay saw %d events (live %d), death %v", ord, st.Events, res.Analysis.Events, st.Death)
		}
		var a, b bytes.Buffer
		live.WriteCSV(&a, res.Registry)
		again.WriteCSV(&b, l.Registry)
		if a.String() != b.String() {
			t.Errorf("%s: replayed table differs from the live one", ord)
		}
	}
	if _, err := l.Replay(&Calls{}, shadow.Global); err == nil {
		t.Error("a log recorded by alloc replayed into calls")
	}
}

// exits pairs method entries with exits, normal and by exception.
type exits struct {
	mu           sync.Mutex
	entry, exitN map[string]int
	exitT        map[string]int
}

func (x *exits) Name() string { return "exits" }
func (x *exits) Hooks() []*shadow.Hook {
	count := func(m map[string]int) func(e *shadow.Event) {
		return func(e *shadow.Event) {
			s := e.Args[0].(*shadow.Site)
			x.mu.Lock()
			if s.Op == "throw" {
				x.exitT[s.Method.String()]++
			} else {
				m[s.Method.String()]++
			}
			x.mu.Unlock()
		}
	}
	return []*shadow.Hook{
		{Name: "entry", Marker: shadow.Marker{Kind: shadow.MethodEntry}, Args: []shadow.Arg{{Kind: shadow.SiteID}}, Handle: count(x.entry)},
		{Name: "exit", Marker: shadow.Marker{Kind: shadow.MethodExit}, Args: []shadow.Arg{{Kind: shadow.SiteID}, {Kind: shadow.StackValue}}, Handle: count(x.exitN)},
	}
}
func (x *exits) ObjectFree(*shadow.ShadowObject) {}
func (x *exits) ThreadEnd(*shadow.ShadowThread)  {}
func (x *exits) VMDeath()                        {}

// Entry and exit markers everywhere, JDK included, under -Xverify:all (so
// HotSpot verifies every instrumented class, java.base's too): the program
// behaves, entries and exits pair up, counts are the program's.
func TestMethodEntryAndExit(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "Exits.java"))
	if err != nil {
		t.Fatal(err)
	}
	dir := jvmtest.Javac(t, map[string]string{"Exits.java": string(src)})
	x := &exits{entry: map[string]int{}, exitN: map[string]int{}, exitT: map[string]int{}}
	var out, errb bytes.Buffer
	res, err := shadow.Run(context.Background(), shadow.Config{Analysis: x, Ordering: shadow.PerThread,
		Java:   []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-Xverify:all", "-cp", dir, "Exits"},
		Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 || out.String() != "caught 100\n" || len(res.Errors) > 0 {
		t.Fatalf("exit %d, stdout %q, errors %v\n%s", res.ExitCode, out.String(), res.Errors, errb.String())
	}
	down, spin := "Exits.down(I)I", "Exits.spin(I)I"
	if x.entry[down] != 1000 || x.exitN[down] != 0 || x.exitT[down] != 1000 {
		t.Errorf("down: %d entries, %d returns, %d throws; want 1000, 0, 1000", x.entry[down], x.exitN[down], x.exitT[down])
	}
	if x.entry[spin] != 100 || x.exitN[spin] != 100 {
		t.Errorf("spin: %d entries, %d returns; want 100 each (the loop back to offset 0 is no new call)", x.entry[spin], x.exitN[spin])
	}
	unpaired := 0
	for m, n := range x.entry {
		if strings.HasSuffix(m, ".main([Ljava/lang/String;)V") || strings.Contains(m, "<clinit>") {
			continue
		}
		if d := n - x.exitN[m] - x.exitT[m]; d != 0 {
			unpaired++
			t.Logf("%s: %d entries, %d returns, %d throws", m, n, x.exitN[m], x.exitT[m])
			// Only the reference-handler and cleaner threads, blocked for
			// good, are still inside methods when the VM dies.
			if !strings.HasPrefix(m, "java/lang/ref/") && !strings.HasPrefix(m, "jdk/internal/ref/") && !strings.HasPrefix(m, "jdk/internal/misc/InnocuousThread") && m != "java/lang/Thread.run()V" {
				t.Errorf("%s: entries and exits do not pair", m)
			}
		}
	}
	t.Logf("%d methods entered, %d sites woven, %d with unpaired entries", len(x.entry), res.Instrument.Sites, unpaired)
}

// strings is a hook on println's argument: the Shadow API gives the String
// its value and its class, parsed from the bytes the JVM loaded.
type stringsSeen struct {
	mu     sync.Mutex
	values []string
	class  string
	fields int
}

func (s *stringsSeen) Name() string { return "strings" }
func (s *stringsSeen) Hooks() []*shadow.Hook {
	return []*shadow.Hook{{Name: "println", Scope: "Hello.main",
		Marker: shadow.Marker{Kind: shadow.Before, Ops: []bytecode.Opcode{bytecode.Invokevirtual}},
		Args:   []shadow.Arg{{Kind: shadow.StackValue}, {Kind: shadow.SiteID}},
		Handle: func(e *shadow.Event) {
			o, _ := e.Args[0].(*shadow.ShadowObject)
			site := e.Args[1].(*shadow.Site)
			if o == nil || !strings.HasPrefix(site.Operand, "java/io/PrintStream.println") {
				return
			}
			v, ok := o.StringValue()
			s.mu.Lock()
			defer s.mu.Unlock()
			if ok {
				s.values = append(s.values, v)
			}
			s.class = o.Class.Name
			if f, err := o.Class.File(); err == nil {
				s.fields = len(f.Fields)
			}
		}}}
}
func (s *stringsSeen) ObjectFree(*shadow.ShadowObject) {}
func (s *stringsSeen) ThreadEnd(*shadow.ShadowThread)  {}
func (s *stringsSeen) VMDeath()                        {}

func TestShadowStringAndClass(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Hello.java": `public class Hello { public static void main(String[] a) { System.out.println("hello " + a.length); System.out.println("bye"); } }`})
	s := &stringsSeen{}
	var out bytes.Buffer
	if _, err := shadow.Run(context.Background(), shadow.Config{Analysis: s, Ordering: shadow.PerThread,
		Java: []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-cp", dir, "Hello"}, Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.values, "|") != "hello 0|bye" || s.class != "java/lang/String" || s.fields < 3 {
		t.Errorf("strings %q of class %s with %d fields", s.values, s.class, s.fields)
	}
}

package repl

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"dvmlab/core/proxy"
	"dvmlab/workbench/listing"
)

// script runs a REPL script and returns everything it printed.
func script(t *testing.T, text string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	s := NewSession(&out, &out)
	defer s.Close()
	err := Script(s, strings.NewReader(text))
	return out.String(), err
}

func wantAll(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// TestEveryCommand drives each command once on JLex, a real program.
func TestEveryCommand(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	out, err := script(t, `
# comments and blank lines are skipped

load /usr/share/java/JLex.jar
classes JLex.CS*
classes JLex/CSpec
show JLex.CSpec.<init>
services
pipeline coverage --frames recompute
step JLex.CSpec
step
diff <init>
step
help
help step
help javap
run javap /usr/share/java/JLex.jar JLex.CSpec
quit
load /never/reached.jar
`)
	if err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	wantAll(t, out,
		"loaded 26 classes from jar /usr/share/java/JLex.jar",
		"JLex.CSet\nJLex.CSimplifyNfa\nJLex.CSpec\n",
		"JLex.CSpec(JLex.CLexGen);\n    Code:\n       0: aload_0",
		"none\ncompile\ncoverage\n",
		"pipeline: parse, coverage, frames, emit",
		"stage 0/2 parsed: JLex.CSpec",
		"stage 1/2 coverage:",
		"+       0: ldc           #",
		"// Method dvmlab/runtime/Coverage.hit:(Ljava/lang/String;I)V",
		"        6: aload_0", // moved, not changed
		"stage 2/2 frames recomputed, emitted",
		"usage: step [CLASS]",
		"usage: javap [-c] [-v] [-p]",
		"class JLex.CSpec {",
	)
	if strings.Contains(out, "never/reached") && strings.Contains(out, "error:") {
		t.Error("commands after quit ran")
	}
}

// TestErrorsGoOn checks that each bad command prints one error line and the
// script continues to the next.
func TestErrorsGoOn(t *testing.T) {
	out, err := script(t, `
frobnicate
load /no/such.jar
load
classes
show Nope
step
diff
pipeline nosuch
help nosuch
classes [
step Nope
run
run javap /no/such.jar
say "unterminated
compare nosuchprogram
simulate sideways jlex
simulate scaling --clients 0 jlex
trace
show --flow
services
`)
	if err == nil {
		t.Fatal("a script with failing commands reported success")
	}
	wantAll(t, out,
		`error: unknown command "frobnicate" (try help)`,
		"error: stat /no/such.jar: no such file or directory",
		"error: usage: load PATH",
		"error: no classes loaded (try: load PATH)",
		"error: no loaded class Nope",
		"error: nothing under way (try: step CLASS)",
		`error: unknown service "nosuch"`,
		`error: no command "nosuch"`,
		"error: run: which command?",
		"error: javap exited with status 1",
		"error: unterminated quote",
		`dvmlab compare: no program "nosuchprogram"`,
		"error: compare exited with status 1",
		"say startup or scaling",
		`--clients: "0" is not a positive count`,
		"error: no trace loaded (try: load AUDIT.db)",
		"error: no current class (try: show CLASS[.METHOD])",
		"none\ncompile\ncoverage\n", // the last command still ran
	)
	if n := strings.Count(out, "error: "); n != 19 {
		t.Errorf("%d error lines, want 19:\n%s", n, out)
	}
}

func TestListingDiff(t *testing.T) {
	a := []string{"  m();", "    Code:", "       0: iload_0", "       1: ireturn"}
	b := []string{"  m();", "    Code:", "       0: nop", "       1: iload_0", "       2: ireturn"}
	got := strings.Join(listing.Diff(a, b), "\n")
	want := strings.Join([]string{"   m();", "     Code:", "+       0: nop", "        1: iload_0", "        2: ireturn"}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTourAndCoverageProfile(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	prof := t.TempDir() + "/cov.txt"
	os.WriteFile(prof, []byte("JLex/CSpec 0 7\nJLex/CSpec 99 1\n"), 0o644)
	bad := t.TempDir() + "/bad.txt"
	os.WriteFile(bad, []byte("not a profile\n"), 0o644)
	out, err := script(t, "tour\nload "+prof+"\nload "+bad+"\n")
	if err == nil {
		t.Fatal("a bad profile was accepted")
	}
	wantAll(t, out,
		"# The origin holds the application",
		"stage 1/2 coverage",
		"+       0: ldc",
		"stage 2/2 frames recomputed, emitted",
		"JLex.CSpec: 2 blocks executed, 8 executions",
		"block 0              7  <init>(LJLex/CLexGen;)V @0",
		"block 99             1  (no such block: the class has 1)",
		"not a coverage line (class block count)",
	)
}

func TestShowFlowAndPool(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	out, err := script(t, `
load /usr/share/java/JLex.jar
show --flow JLex.CAccept.<init>
show -v JLex.CAccept
show -v JLex.CAccept.<init>
show --flow -v JLex.CAccept
`)
	if err == nil {
		t.Fatal("bad show options accepted")
	}
	wantAll(t, out,
		"▶       22: iload         4   ◀ from 45",
		"Constant pool:\n   #1 = Methodref",
		"error: JLex.CAccept: -v shows a whole class",
		"error: usage: show [--flow|-v] [CLASS[.METHOD]]",
	)
}

func TestCompletion(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	var out bytes.Buffer
	s := NewSession(&out, &out)
	defer s.Close()
	if err := s.Exec("load /usr/share/java/JLex.jar"); err != nil {
		t.Fatal(err)
	}
	complete := func(line string) []string {
		got, _ := completer{s}.Do([]rune(line), len([]rune(line)))
		var words []string
		for _, g := range got {
			words = append(words, strings.TrimSpace(string(g)))
		}
		return words
	}
	if got := complete("ste"); len(got) != 1 || got[0] != "p" {
		t.Errorf("command: %q", got)
	}
	if got := complete("show JLex.CSp"); len(got) != 1 || got[0] != "ec" {
		t.Errorf("class: %q", got)
	}
	got := strings.Join(complete("show JLex.CEmit.emit_"), " ")
	for _, m := range []string{"action", "header", "states"} {
		if !strings.Contains(got, m) {
			t.Errorf("methods of CEmit: %q lacks emit_%s", got, m)
		}
	}
}

// TestAuditTrail loads a trail written by the proxy's own audit code and
// lists it; a file that is not a trail is refused and left unchanged.
func TestAuditTrail(t *testing.T) {
	dir := t.TempDir()
	db := dir + "/audit.db"
	a, err := proxy.OpenAudit(db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	a.StartSession(proxy.Session{ID: "s1", User: "ada", JVM: "17.0.15", OS: "Linux", Arch: "amd64", Started: now})
	for i, o := range []string{"rewritten", "rewritten", "replaced", "cached"} {
		a.Record(proxy.Event{Time: now.Add(time.Duration(i) * time.Millisecond), Session: "s1", URL: fmt.Sprintf("http://origin/app/C%d.class", i),
			Kind: "class", Services: "coverage", Outcome: o, BytesIn: 100, BytesOut: 120, Elapsed: time.Millisecond})
	}
	a.Close()
	other := dir + "/other.db"
	o, _ := sql.Open("sqlite", other)
	o.Exec("CREATE TABLE t (x INTEGER)")
	o.Close()
	before, _ := os.ReadFile(other)

	out, err := script(t, "load "+db+"\ntrace --outcome replaced\ntrace C0\ntrace nothing-like-this\nload "+other+"\n")
	if err == nil {
		t.Fatal("a database that is not a trail was accepted")
	}
	wantAll(t, out,
		"loaded audit trail "+db+": 1 sessions, 4 classes and jars served",
		"s1 ada, JVM 17.0.15: 4 served (1 cached, 1 replaced, 2 rewritten), 400 -> 480 bytes, 4ms at the proxy",
		"s1               replaced  class     100 ->     120  http://origin/app/C2.class",
		"s1               rewritten class     100 ->     120  http://origin/app/C0.class",
		"(no event matches)",
		"is not a dvmlab audit trail",
	)
	if after, _ := os.ReadFile(other); !bytes.Equal(before, after) {
		t.Error("loading changed a database that is not a trail")
	}
	if _, err := script(t, "trace\n"); err == nil {
		t.Error("trace with nothing loaded succeeded")
	}
}

// TestExperimentAndPlot runs an experiment and shows its figure from the
// REPL, as a notebook would.
func TestExperimentAndPlot(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	res, out := t.TempDir(), t.TempDir()
	got, err := script(t, fmt.Sprintf(`
experiment list
experiment run fig5 --quick --results %[1]s
plot fig5 --text --results %[1]s
plot fig5 --results %[1]s --out %[2]s
plot fig10 --results %[1]s
experiment run nosuch --results %[1]s
`, res, out))
	if err == nil {
		t.Fatal("a script with failing commands succeeded")
	}
	wantAll(t, got,
		"fig10     Figure 10: proxy throughput against clients",
		"fig5: "+res+"/fig5",
		"fig5/benchmarks",
		"jlex", "█",
		out+"/fig5.png",
		"no results for fig10",
		`no experiment "nosuch"`,
	)
}

// TestCurrentClass: show makes a class (and method) current; step then
// steps it and diff shows that method; show alone shows it again.
func TestCurrentClass(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	out, err := script(t, `
load /usr/share/java/JLex.jar
pipeline
show JLex.CSpec.<init>
step
step
diff
show
`)
	if err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	wantAll(t, out,
		// The same default as the TUI.
		"pipeline: parse, coverage, emit",
		"stage 0/2 parsed: JLex.CSpec",
		"stage 1/2 coverage:",
		"+       0: ldc",
		"dvmlab> show\n  JLex.CSpec(JLex.CLexGen);",
	)
	diff := out[strings.Index(out, "dvmlab> diff"):strings.Index(out, "dvmlab> show\n")]
	if strings.Contains(diff, "JLex.CSpec(JLex.CLexGen);\n") == false || strings.Count(diff, "Code:") != 1 {
		t.Errorf("diff is not of the current method alone:\n%s", diff)
	}
}

// TestCoverageOverlay: a profile loaded, show puts each block's count at
// its first instruction, and 0 at blocks that never ran.
func TestCoverageOverlay(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	prof := t.TempDir() + "/cov.txt"
	// JLex.CAccept.<init>(CAccept) has a loop: blocks 1.. follow block 0.
	os.WriteFile(prof, []byte("JLex/CAccept 0 3\nJLex/CAccept 2 41\n"), 0o644)
	out, err := script(t, "load /usr/share/java/JLex.jar\nload "+prof+"\nshow JLex.CAccept\nshow --flow JLex.CAccept\n")
	if err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	wantAll(t, out,
		"       ×3        0: aload_0",
		"      ×41 ",
		"       ×0 ",
		"       ×3              0: aload_0", // behind the --flow gutter
	)
}

// TestLoadJDKAndPaths: load jdk opens the running JDK as the TUI does, and
// load completes file names.
func TestLoadJDKAndPaths(t *testing.T) {
	out, err := script(t, "load jdk\nclasses java.lang.Obj*\n")
	if err != nil {
		t.Skipf("no JDK here: %v\n%s", err, out)
	}
	wantAll(t, out, "loaded ", "java.lang.Object\n")
	dir := t.TempDir()
	os.Mkdir(dir+"/classes", 0o755)
	os.WriteFile(dir+"/cov.txt", nil, 0o644)
	os.WriteFile(dir+"/cup.jar", nil, 0o644)
	var got []string
	for _, g := range pathCompletions(dir + "/c") {
		got = append(got, string(g))
	}
	if strings.Join(got, "|") != "lasses/|ov.txt |up.jar " {
		t.Errorf("load %s/c: %q", dir, got)
	}
	s := NewSession(&bytes.Buffer{}, &bytes.Buffer{})
	defer s.Close()
	cands, _ := completer{s}.Do([]rune("load j"), 6)
	found := false
	for _, c := range cands {
		found = found || string(c) == "dk "
	}
	if !found {
		t.Errorf("load j does not offer jdk: %q", cands)
	}
}

// TestFind searches the current class's listing.
func TestFind(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	out, err := script(t, "load /usr/share/java/JLex.jar\nfind x\nshow JLex.CAccept\nfind IF_ICMPGE\nfind nothing-like-this\n")
	if err == nil {
		t.Fatal("find with nothing current, or nothing found, succeeded")
	}
	wantAll(t, out,
		"error: no current class",
		"dvmlab> find IF_ICMPGE\n  JLex.CAccept(char[], int, int);\n      28: if_icmpge     48\n",
		": if_icmpge",
		`error: "nothing-like-this": not in JLex.CAccept`,
	)
}

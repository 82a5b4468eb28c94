package tui

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	tea "github.com/charmbracelet/bubbletea"

	"dvmlab/core/proxy"
	"dvmlab/workbench/repl"
)

// run drives the model through a real Bubble Tea program, typing each
// string (a key name from keyMsg, or text typed rune by rune with a
// leading "="), and waits for want before taking the final screen.
func run(t *testing.T, m *Model, want string, timeout time.Duration, ks ...string) string {
	t.Helper()
	v, _ := runModel(t, m, want, timeout, ks...)
	return v
}

// runModel is run, returning the final model as well, for what lies
// beyond the screen.
func runModel(t *testing.T, m *Model, want string, timeout time.Duration, ks ...string) (string, *Model) {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	for _, k := range ks {
		if strings.HasPrefix(k, "=") {
			for _, r := range k[1:] {
				tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			}
			continue
		}
		if k == "ctrl+u" {
			tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
			continue
		}
		tm.Send(keyMsg(k))
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
		teatest.WithDuration(timeout), teatest.WithCheckInterval(20*time.Millisecond))
	tm.Quit()
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	return fm.View(), fm
}

// TestNativePane: A compiles the selected class and shows the method the
// listing is at in amd64 assembler, A again in Alpha's; a method that stays
// bytecode says why, as compile --emit asm does.
func TestNativePane(t *testing.T) {
	m := model(t)
	v, fm := runModel(t, m, "amd64 native code", 30*time.Second, "/", "=SparseBitSet", "enter", "g", "=size", "enter", "A")
	if text := strings.Join(fm.right().lines, "\n"); !strings.Contains(v, "— native") || !strings.Contains(v, "Java_JLex_SparseBitSet_size__:") ||
		!strings.Contains(text, "    ret") || !strings.Contains(text, "compiled\n\n# JLex/SparseBitSet.size()I\n") || strings.Contains(text, "Java_JLex_SparseBitSet_isValid") {
		t.Fatalf("no amd64 code for SparseBitSet.size:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))

	// A again, once the amd64 code is on the screen.
	v, fm = runModel(t, fm, "alpha native code", 30*time.Second, "A")
	if text := strings.Join(fm.right().lines, "\n"); !strings.Contains(text, ".ent Java_JLex_SparseBitSet_size__") || !strings.Contains(text, ".end Java_JLex_SparseBitSet_size__") ||
		strings.Contains(text, "isValid") {
		t.Fatalf("no alpha code for SparseBitSet.size:\n%s", v)
	}
	t.Run("alpha", func(t *testing.T) { golden.RequireEqual(t, []byte(v)) })

	text, err := repl.NativeText(m.original, "amd64", "clone")
	if err != nil || !strings.Contains(text, "stays bytecode: exception handlers") {
		t.Fatalf("clone: %v\n%s", err, text)
	}
}

// TestPolicyPane: G asks for a policy file and lists the checks its guards
// put in the class, with the instruction each guards, as policy sites does
// (JLex.CLexGen opens its input with FileReader).
func TestPolicyPane(t *testing.T) {
	m := model(t)
	v, fm := runModel(t, m, "checks of example.policy", 30*time.Second, "/", "=CLexGen", "enter", "G", "=testdata/example.policy", "enter")
	if !strings.Contains(strings.Join(fm.right().lines, "\n"), "1595: invokespecial java/io/FileReader.<init>:(Ljava/lang/String;)V  <- file.open on file:arg0") {
		t.Fatalf("no FileReader check in CLexGen:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))
	// A file that is not a policy is an error on the status line.
	m = model(t)
	v = run(t, m, "policy: ", 30*time.Second, "G", "=testdata/fia.csv", "enter")
	if !strings.Contains(v, "policy: testdata/fia.csv") || !strings.Contains(v, "— listing") {
		t.Fatalf("a CSV taken for a policy:\n%s", v)
	}
}

// TestConsolePane: M asks a proxy for its console; here the proxy's own
// monitoring server, served as a proxy is, with one batch of events.
func TestConsolePane(t *testing.T) {
	mon := proxy.NewMonitorServer(nil, nil)
	srv := httptest.NewServer(mon)
	defer srv.Close()
	m := model(t)
	addr := strings.TrimPrefix(srv.URL, "http://")
	v := run(t, m, "console of the proxy", 20*time.Second, "M", "ctrl+u", "="+addr, "enter")
	if !strings.Contains(v, "— console") {
		t.Fatalf("no console:\n%s", v)
	}
	// The console's layout, from a fixed state.
	m = model(t)
	st := proxy.ConsoleState{Time: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Events: 1200, Rate: 40, Calls: 5000, CallRate: 100, Batches: 12,
		Sessions: []proxy.SessionState{{ID: "s1", Client: "127.0.0.1", User: "ada", JVM: "17.0.15", Events: 1200, Calls: 5000, Batches: 12, Rate: 40, CallRate: 100,
			First: time.Date(2026, 11, 30, 11, 59, 0, 0, time.UTC), Last: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}},
		Hot: []proxy.HotMethod{{Method: "JLex/CLexGen.userCode()V", Calls: 900}}}
	m.Update(paneDone{view: viewConsole, text: consoleText(st), status: "console of the proxy at 127.0.0.1:8080"})
	v = m.View()
	if !strings.Contains(v, "JLex/CLexGen.userCode()V") {
		t.Fatalf("console state not shown:\n%s", v)
	}
	t.Run("state", func(t *testing.T) { golden.RequireEqual(t, []byte(v)) })
	// No proxy: the error on the status line, the listing left as it was.
	m = model(t)
	v = run(t, m, "console: ", 20*time.Second, "M", "ctrl+u", "=127.0.0.1:1", "enter")
	if !strings.Contains(v, "— listing") {
		t.Fatalf("after a failed console:\n%s", v)
	}
}

// TestFIAPane: F asks for a field-immutability table and shows the class's
// fields with their verdicts; a field the table lacks shows "-".
func TestFIAPane(t *testing.T) {
	m := model(t)
	v := run(t, m, "with their verdicts", 30*time.Second, "/", "=CAccept", "enter", "F", "=testdata/fia.csv", "enter")
	for _, w := range []string{"— fia", "immutable", "stationary", "m_action"} {
		if !strings.Contains(v, w) {
			t.Fatalf("no %q in the FIA pane:\n%s", w, v)
		}
	}
	golden.RequireEqual(t, []byte(v))
}

// TestLoadTrace: L loads a coverage profile (counts beside the code from
// then on), an audit trail (its sessions and rows) or a missing file (an
// error on the status line).
func TestLoadTrace(t *testing.T) {
	m := model(t)
	v := run(t, m, "coverage profile cov.txt", 20*time.Second, "/", "=CAccept", "enter", "L", "=testdata/cov.txt", "enter")
	if !strings.Contains(v, "×3") || !strings.Contains(v, "counts for 2 of 26 classes") {
		t.Fatalf("coverage not overlaid:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))

	db := filepath.Join(t.TempDir(), "audit.db")
	a, err := proxy.OpenAudit(db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	a.StartSession(proxy.Session{ID: "s1", User: "ada", JVM: "17.0.15", OS: "Linux", Arch: "amd64", Started: now})
	for i, o := range []string{"rewritten", "replaced", "cached"} {
		a.Record(proxy.Event{Time: now, Session: "s1", URL: fmt.Sprintf("http://origin/app/C%d.class", i), Kind: "class", Services: "coverage", Outcome: o, BytesIn: 100, BytesOut: 120, Elapsed: time.Millisecond})
	}
	a.Close()
	m = model(t)
	v, fm := runModel(t, m, "trace audit.db loaded", 30*time.Second, "L", "="+db, "enter")
	for _, w := range []string{"— trace", "loaded audit trail", "1 sessions, 3 classes", "C1.class", "replaced"} {
		if !strings.Contains(v+strings.Join(fm.right().lines, "\n"), w) {
			t.Fatalf("no %q after loading an audit trail:\n%s", w, v)
		}
	}

	m = model(t)
	v = run(t, m, "trace: ", 20*time.Second, "L", "=testdata/missing.db", "enter")
	if !strings.Contains(v, "— listing") {
		t.Fatalf("after a missing trace:\n%s", v)
	}
}

// TestCommandLine: : runs a REPL command over the open classes and shows
// what it printed; an empty line lists the commands; an unknown one is an
// error on the status line.
func TestCommandLine(t *testing.T) {
	m := model(t)
	v := run(t, m, ":classes JLex.CS* —", 30*time.Second, ":", "=classes JLex.CS*", "enter")
	if !strings.Contains(v, "JLex.CSpec") || !strings.Contains(v, "— command") {
		t.Fatalf("classes from the : prompt:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))

	m = model(t)
	v = run(t, m, ":help —", 30*time.Second, ":", "enter")
	for _, w := range []string{"load PATH", "pipeline", "fia FILE.csv", "asm [--arch"} {
		if !strings.Contains(v, w) {
			t.Fatalf("no %q in the command list:\n%s", w, v)
		}
	}
	// No golden of the list: it grows with every REPL command added.

	m = model(t)
	v = run(t, m, "unknown command", 30*time.Second, ":", "=frobnicate", "enter")
	if !strings.Contains(v, `command: unknown command "frobnicate"`) {
		t.Fatalf("an unknown command:\n%s", v)
	}
}

// TestEveryViewIsAREPLCommand: each view's REPL command is one the REPL
// knows (its own, or a command-line command it runs), and : runs it.
func TestEveryViewIsAREPLCommand(t *testing.T) {
	var out bytes.Buffer
	s := repl.NewSession(&out, &out)
	defer s.Close()
	for _, v := range declaredViews(t) {
		c, ok := replCommands[v]
		if !ok {
			t.Errorf("view %s has no REPL command", v)
			continue
		}
		out.Reset()
		if err := s.Exec("help " + c); err != nil || !strings.Contains(out.String(), c) {
			t.Errorf("view %s: help %s: %v\n%s", v, c, err, out.String())
		}
	}
	// : follows the class on the left: asm without CLASS compiles it.
	m := model(t)
	_, fm := runModel(t, m, ":asm —", 30*time.Second, "/", "=SparseBitSet", "enter", ":", "=asm", "enter")
	if text := strings.Join(fm.right().lines, "\n"); !strings.Contains(text, "# JLex.SparseBitSet, amd64:") {
		t.Fatalf(":asm on the selected class:\n%s", text)
	}
}

// TestProgress: while a pane's work is under way the status line says what
// runs with a spinner before it, a second piece of work waits, and the
// spinner stops when the work is done.
func TestProgress(t *testing.T) {
	m := model(t)
	keys(m, ":", "h", "e", "l", "p")
	_, cmd := m.Update(keyMsg("enter"))
	if cmd == nil || !m.working() {
		t.Fatal("no work started for :help")
	}
	if v := m.View(); !strings.Contains(v, "| running help…") {
		t.Fatalf("no progress on the status line:\n%s", v)
	}
	keys(m, "A")
	if !strings.Contains(m.status, "still busy with command") {
		t.Fatalf("second work while busy: %q", m.status)
	}
	m.Update(paneDone{view: viewCommand, text: "done", status: "finished"})
	if m.working() || strings.Contains(m.View(), "| finished") || !strings.Contains(m.View(), "finished") {
		t.Fatalf("after the work:\n%s", m.View())
	}
}

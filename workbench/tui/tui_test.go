package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
	"dvmlab/workbench/listing"
)

func model(t *testing.T) *Model {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	src, err := classpath.Open("/usr/share/java/JLex.jar")
	if err != nil {
		t.Skip("jlex not installed; run make deps")
	}
	t.Cleanup(func() { src.Close() })
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { jdk.Close() })
	p, err := service.Parse("coverage")
	if err != nil {
		t.Fatal(err)
	}
	p.Hierarchy = classpath.NewHierarchy(src, jdk)
	m, err := New(src, p)
	if err != nil {
		t.Fatal(err)
	}
	m.hideTimes = true
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	return m
}

func keys(m *Model, ks ...string) {
	for _, k := range ks {
		m.Update(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// screen drives the model through a real Bubble Tea program (teatest),
// types keys, waits until want is on the screen, and returns the final
// model's view.
func screen(t *testing.T, m *Model, want string, ks ...string) string {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	for _, k := range ks {
		tm.Send(keyMsg(k))
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
}

// The main screens, each a golden file (go test ./workbench/tui -update
// rewrites them): the browser with control flow drawn, a filtered list, the
// diff after a step, the next method, and the constant pool view.
func TestScreens(t *testing.T) {
	browse := screen(t, model(t), "26 of 26 classes")
	golden.RequireEqual(t, []byte(browse))

	t.Run("filter", func(t *testing.T) {
		v := screen(t, model(t), "filter: spec", "/", "s", "p", "e", "c", "enter")
		golden.RequireEqual(t, []byte(v))
	})
	t.Run("step", func(t *testing.T) {
		v := screen(t, model(t), "stage 1/2 coverage", "/", "s", "p", "e", "c", "enter", "s")
		golden.RequireEqual(t, []byte(v))
		if !strings.Contains(v, "+") || !strings.Contains(v, "1 inserted") {
			t.Errorf("step screen shows no diff or report:\n%s", v)
		}
	})
	t.Run("method", func(t *testing.T) {
		v := screen(t, model(t), "filter: emit", "/", "e", "m", "i", "t", "enter", "n", "n")
		golden.RequireEqual(t, []byte(v))
	})
	t.Run("pool", func(t *testing.T) {
		v := screen(t, model(t), "Constant pool:", "v")
		golden.RequireEqual(t, []byte(v))
	})
}

func TestStepping(t *testing.T) {
	m := model(t)
	keys(m, "/", "s", "p", "e", "c", "enter", "s")
	if v := m.View(); !strings.Contains(v, "stage 1/2 coverage") {
		t.Fatalf("no first stage:\n%s", v)
	}
	keys(m, "s")
	if v := m.View(); !strings.Contains(v, "stage 2/2 emitted") {
		t.Fatalf("no emit stage:\n%s", v)
	}
	keys(m, "s")
	if !strings.Contains(m.View(), "already emitted") {
		t.Error("stepping past the end not reported")
	}
	// Times are shown outside golden tests.
	m.hideTimes = false
	keys(m, "r", "s")
	if !strings.Contains(m.status, "µs") && !strings.Contains(m.status, "ms") {
		t.Errorf("no time in %q", m.status)
	}
}

func TestAnnotatedPane(t *testing.T) {
	m := model(t)
	keys(m, "/", "c", "a", "l", "l", "o", "c", "enter")
	joined := strings.Join(m.right().lines, "\n")
	if !strings.Contains(joined, "▶") || !strings.Contains(joined, "from ") {
		t.Errorf("no branch targets drawn in %s", m.selected())
	}
}

// TestWholeJDK opens the browser on every class of the JDK and moves
// through it; the time to the first screen is logged, not asserted.
func TestWholeJDK(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	t0 := time.Now()
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	p, _ := service.Parse("none")
	m, err := New(jdk, p)
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	v := m.View()
	first := time.Since(t0)
	// The count depends on the JDK's update release (26,500 to 26,608 on
	// the 17.0 updates seen so far).
	if m := regexp.MustCompile(`(\d+) of (\d+) classes`).FindStringSubmatch(v); m == nil || m[1] != m[2] || len(m[2]) != 5 || m[2] < "26000" {
		t.Fatalf("first screen:\n%s", v)
	}
	keys(m, "/", "H", "a", "s", "h", "M", "a", "p", "enter")
	if !strings.Contains(m.View(), "java.util.HashMap") {
		t.Fatalf("filter on the JDK:\n%s", m.View())
	}
	t.Logf("whole JDK: first screen after %v, filter to %d classes after %v", first, len(m.shown), time.Since(t0))
}

// TestCompareScreen presses c on JLex's jar and waits, through a real Bubble
// Tea program, for the comparison table.
func TestCompareScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts JVMs")
	}
	m := model(t)
	if m.program == nil || m.program.Name != "jlex" {
		t.Fatalf("JLex.jar not recognised as a dataset: %v", m.program)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	tm.Send(keyMsg("c"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("compare done")) },
		teatest.WithDuration(60*time.Second), teatest.WithCheckInterval(100*time.Millisecond))
	tm.Quit()
	v := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	for _, w := range []string{"monolithic", "DVM uncached", "DVM cached", "identical"} {
		if !strings.Contains(v, w) {
			t.Errorf("compare screen lacks %q:\n%s", w, v)
		}
	}
}

// TestSearchAndJump: f finds text in the listing and ] [ go from match to
// match; g goes to a method by name, or to an offset in the method shown.
func TestSearchAndJump(t *testing.T) {
	m := model(t)
	keys(m, "/", "C", "E", "m", "i", "t", "enter")
	keys(m, "f", "i", "n", "v", "o", "k", "e", "v", "i", "r", "t", "u", "a", "l", "enter")
	first := m.right().scroll
	if !strings.Contains(m.right().lines[first], "invokevirtual") || !strings.Contains(m.status, "match 1 of ") {
		t.Fatalf("find: line %d %q, status %q", first, m.right().lines[first], m.status)
	}
	keys(m, "]")
	if m.right().scroll <= first || !strings.Contains(m.right().lines[m.right().scroll], "invokevirtual") || !strings.Contains(m.status, "match 2 of ") {
		t.Errorf("next match: line %d %q, %q", m.right().scroll, m.right().lines[m.right().scroll], m.status)
	}
	keys(m, "[")
	if m.right().scroll != first {
		t.Errorf("previous match: line %d, want %d", m.right().scroll, first)
	}
	keys(m, "g", "e", "m", "i", "t", "_", "s", "t", "a", "t", "e", "s", "enter")
	if !strings.Contains(m.right().lines[m.right().scroll], "emit_states(") {
		t.Fatalf("go to emit_states: %q (%s)", m.right().lines[m.right().scroll], m.status)
	}
	keys(m, "g", "1", "0", "enter")
	got := m.right().lines[min(m.right().scroll+3, len(m.right().lines)-1)]
	if !regexp.MustCompile(`\s10: `).MatchString(got) || !strings.Contains(m.status, "offset 10") {
		t.Errorf("go to offset 10: %q (%s)", got, m.status)
	}
	keys(m, "g", "n", "o", "s", "u", "c", "h", "enter")
	if !strings.Contains(m.status, "no method nosuch") {
		t.Errorf("go to a missing method: %s", m.status)
	}
	v := screen(t, model(t), "match 1 of", "/", "C", "E", "m", "i", "t", "enter", "f", "e", "m", "i", "t", "_", "s", "t", "a", "t", "e", "s", "enter")
	golden.RequireEqual(t, []byte(v))
}

// TestCoverageOverlay: with a coverage profile, the listing shows each
// block's count at its first instruction.
func TestCoverageOverlay(t *testing.T) {
	m := model(t)
	m.profile = listing.Profile{"JLex/CAccept": {0: 3, 2: 41}}
	keys(m, "/", "C", "A", "c", "c", "e", "p", "t", "enter")
	joined := strings.Join(m.right().lines, "\n")
	if !strings.Contains(joined, "       ×3              0: aload_0") || !strings.Contains(joined, "×41") || !strings.Contains(joined, "×0") {
		t.Fatalf("no counts on CAccept:\n%s", joined)
	}
	m2 := model(t)
	m2.profile = m.profile
	v := screen(t, m2, "filter: CAccept", "/", "C", "A", "c", "c", "e", "p", "t", "enter")
	golden.RequireEqual(t, []byte(v))
}

// TestPlotPane: P shows the experiments' results as terminal charts, one
// figure after another; with none, it says how to make some.
func TestPlotPane(t *testing.T) {
	m := model(t)
	m.results = t.TempDir()
	keys(m, "P")
	if !strings.Contains(m.status, "no experiment results under") {
		t.Fatalf("no results: %s", m.status)
	}
	os.MkdirAll(filepath.Join(m.results, "fig5"), 0o755)
	os.WriteFile(filepath.Join(m.results, "fig5", "benchmarks.csv"), []byte("program,classes\njlex,26\ncup,78\n"), 0o644)
	keys(m, "P")
	joined := strings.Join(m.right().lines, "\n")
	if !strings.Contains(m.status, "plot fig5") || !strings.Contains(joined, "fig5/benchmarks") || !strings.Contains(joined, "█") {
		t.Fatalf("plot pane: %s\n%s", m.status, joined)
	}
}

// TestSimulatePane presses S on JLex's jar and waits for the start-up and
// proxy models, drawn with bars.
func TestSimulatePane(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a JVM")
	}
	m := model(t)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	tm.Send(keyMsg("S"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("simulate done")) },
		teatest.WithDuration(120*time.Second), teatest.WithCheckInterval(100*time.Millisecond))
	tm.Quit()
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	joined := strings.Join(fm.right().lines, "\n")
	for _, w := range []string{"predicted start-up", "28.8kbps", "proxy model", "replicas", "█"} {
		if !strings.Contains(joined, w) {
			t.Errorf("simulate pane lacks %q:\n%s", w, joined)
		}
	}
}

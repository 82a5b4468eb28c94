package tui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
)

var update = flag.Bool("update", false, "rewrite the golden files")

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
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	return m
}

func keys(m *Model, ks ...string) {
	for _, k := range ks {
		var msg tea.KeyMsg
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		m.Update(msg)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name+".golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./workbench/tui -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, p, got)
	}
}

// The main screens: the browser, a filtered list, and the diff after a step.
func TestScreens(t *testing.T) {
	m := model(t)
	golden(t, "browse", m.View())

	keys(m, "/", "s", "p", "e", "c", "enter")
	golden(t, "filter", m.View())

	keys(m, "s")
	v := m.View()
	golden(t, "step", v)
	if !strings.Contains(v, "+") || !strings.Contains(v, "stage 1/2 coverage") {
		t.Errorf("step screen shows no diff or status:\n%s", v)
	}
	keys(m, "s", "s")
	if !strings.Contains(m.View(), "already emitted") {
		t.Error("stepping past the end not reported")
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
	if !strings.Contains(v, "of 26500 classes") {
		t.Fatalf("first screen:\n%s", v)
	}
	keys(m, "/", "H", "a", "s", "h", "M", "a", "p", "enter")
	if !strings.Contains(m.View(), "java.util.HashMap") {
		t.Fatalf("filter on the JDK:\n%s", m.View())
	}
	t.Logf("whole JDK: first screen after %v, filter to %d classes after %v", first, len(m.shown), time.Since(t0))
}

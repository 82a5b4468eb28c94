package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"dvmlab/core/netsim"
	"dvmlab/experiments/simulate"
)

// TestViewGoldens: the views the other golden tests leave out, each a
// golden file: the help of the listing and of the diff (each view's keys
// feed it), a figure (P), and the simulate pane (S) fed with a fixed run
// and fixed service times, so that the start-up and proxy models' output
// is the same on every machine.
func TestViewGoldens(t *testing.T) {
	t.Run("help", func(t *testing.T) {
		v := run(t, model(t), "more keys", 10*time.Second, "?")
		if !strings.Contains(v, "v code / constant pool") {
			t.Fatalf("the listing's help lacks its own keys:\n%s", v)
		}
		golden.RequireEqual(t, []byte(v))
	})
	t.Run("diff help", func(t *testing.T) {
		v := run(t, model(t), "{ previous change", 10*time.Second, "/", "=CSpec", "enter", "s", "?")
		golden.RequireEqual(t, []byte(v))
	})
	t.Run("plot", func(t *testing.T) {
		m := model(t)
		m.results = t.TempDir()
		os.MkdirAll(filepath.Join(m.results, "fig5"), 0o755)
		os.WriteFile(filepath.Join(m.results, "fig5", "benchmarks.csv"), []byte("program,classes\njlex,26\ncup,78\n"), 0o644)
		v, fm := runModel(t, m, "plot fig5", 10*time.Second, "P")
		if !strings.Contains(v, "— plots") {
			t.Fatalf("the plot is not its own view:\n%s", v)
		}
		// The pane alone: the status line counts the figures, which grow.
		golden.RequireEqual(t, []byte(strings.Join(fm.right().lines, "\n")))
	})
	t.Run("simulate", func(t *testing.T) {
		prof := &simulate.Profile{Program: "jlex", Local: 180 * time.Millisecond}
		for i := 0; i < 26; i++ {
			prof.Classes = append(prof.Classes, netsim.Fetch{Name: "C" + string(rune('A'+i)), Bytes: 2000 + 500*i})
		}
		prof.Jars = []netsim.Fetch{{Name: "JLex.jar", Bytes: 81000}}
		times := make([]time.Duration, 26)
		for i := range times {
			times[i] = time.Duration(200+40*i) * time.Microsecond
		}
		text, err := simulateText("jlex", prof, times, "coverage")
		if err != nil {
			t.Fatal(err)
		}
		m := model(t)
		m.simulating = true
		m.Update(simulateDone{text: text})
		v := m.View()
		for _, w := range []string{"— runs", "predicted start-up", "28.8kbps", "proxy model: services coverage", "simulate done"} {
			if !strings.Contains(v, w) {
				t.Fatalf("no %q in the simulate pane:\n%s", w, v)
			}
		}
		golden.RequireEqual(t, []byte(v))
	})
}

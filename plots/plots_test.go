package plots

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"dvmlab/experiments"
	_ "dvmlab/experiments/figures"
	_ "dvmlab/experiments/shadowexp"
)

// TestRenderQuickResults draws every figure from quick results, as PNG,
// SVG and text.
func TestRenderQuickResults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the experiments")
	}
	res, out := t.TempDir(), t.TempDir()
	for _, name := range []string{"fig5", "overhead", "fig10", "fig11", "fig6", "fig7", "fig8", "table1", "table5"} {
		if _, err := experiments.RunAndWrite(context.Background(), name, true, res, nil); err != nil {
			t.Fatal(err)
		}
		files, err := Render(name, res, out)
		if err != nil {
			t.Fatal(err)
		}
		png, _ := os.ReadFile(files[0])
		svg, _ := os.ReadFile(files[1])
		if !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 10000 || !bytes.Contains(svg, []byte("<svg")) {
			t.Errorf("%s: %d-byte PNG, %d-byte SVG", name, len(png), len(svg))
		}
		text, err := Terminal(name, res, 100)
		if err != nil {
			t.Fatal(err)
		}
		// fig7's bar is a difference of two noisy single runs in quick
		// mode, which may be zero.
		if !strings.Contains(text, name+"/") || (name != "fig7" && !strings.Contains(text, "█")) {
			t.Errorf("%s text:\n%s", name, text)
		}
	}
}

func TestRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := Render("nosuch", dir, dir); err == nil {
		t.Error("unknown figure drawn")
	}
	if _, err := Render("fig5", dir, dir); err == nil || !strings.Contains(err.Error(), "experiment run fig5") {
		t.Errorf("missing results: %v", err)
	}
	os.MkdirAll(dir+"/fig5", 0o755)
	os.WriteFile(dir+"/fig5/benchmarks.csv", []byte("program,classes\njlex,NaN\n"), 0o644)
	if _, err := Render("fig5", dir, dir); err == nil {
		t.Error("a NaN was drawn")
	}
	os.WriteFile(dir+"/fig5/benchmarks.csv", []byte("program,classes,bytes\njlex,x,1\n"), 0o644)
	if _, err := Render("fig5", dir, dir); err == nil {
		t.Error("a non-number was drawn")
	}
	if _, err := Terminal("fig7", dir, 80); err == nil {
		t.Error("text of missing results")
	}
}

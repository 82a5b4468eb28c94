package security_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"dvmlab/experiments"
	_ "dvmlab/experiments/security"
	"dvmlab/internal/jvmtest"
	"dvmlab/plots"
)

// TestQuickFig9 runs the experiment's quick form and draws its figure: one
// row per benchmark, every time positive, the DVM's first check (with the
// download) slower than its later ones.
func TestQuickFig9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 18 JVMs")
	}
	jvmtest.JavaHome(t)
	res, out := t.TempDir(), t.TempDir()
	if _, err := experiments.RunAndWrite(context.Background(), "fig9", true, res, nil); err != nil {
		t.Fatal(err)
	}
	tb, err := experiments.ReadCSV(filepath.Join(res, "fig9", "fig9.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != 6 {
		t.Fatalf("%d rows", len(tb.Rows))
	}
	col := map[string]int{}
	for i, h := range tb.Header {
		col[h] = i
	}
	for _, r := range tb.Rows {
		num := func(c string) float64 {
			v, err := strconv.ParseFloat(r[col[c]], 64)
			if err != nil {
				t.Fatalf("%s %s: %v", r[0], c, err)
			}
			return v
		}
		if num("jdk_ns") <= 0 || num("dvm_later_ns") <= 0 || num("dvm_first_ns") <= num("dvm_later_ns") {
			t.Errorf("%s: %v", r[0], r)
		}
	}
	if _, err := plots.Render("fig9", res, out); err != nil {
		t.Fatal(err)
	}
}

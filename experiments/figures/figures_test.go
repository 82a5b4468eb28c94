package figures

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dvmlab/experiments"
)

// TestQuick runs every experiment in quick mode and checks what it wrote:
// the tables it declares, a row per program, finite positive numbers where
// a measurement is.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs JVMs and proxies")
	}
	dir := t.TempDir()
	want := map[string]map[string][]string{
		"fig5":     {"benchmarks": {"classes", "bytes", "methods"}},
		"overhead": {"overhead": {"uncached_ms", "cached_ms", "classes"}},
		"fig10":    {"measured": {"classes_per_s", "p50_ms"}, "model": {"classes_per_s", "p99_ms"}},
		"fig11":    {"measured": {"startup_ms", "kbps"}, "model": {"startup_ms"}},
		"fig6":     {"endtoend": {"median_ms"}},
		"fig7":     {"verification": {"monolithic_verify_on_ms", "dvm_verify_off_ms"}},
		"fig8":     {"checks": {"static", "dynamic", "static_percent"}},
	}
	for name, tables := range want {
		name, tables := name, tables
		t.Run(name, func(t *testing.T) {
			var progress strings.Builder
			out, err := experiments.RunAndWrite(context.Background(), name, true, dir, &progress)
			if err != nil {
				t.Fatalf("%v\n%s", err, progress.String())
			}
			if _, err := os.Stat(filepath.Join(out, "metadata.json")); err != nil {
				t.Error(err)
			}
			for table, cols := range tables {
				tab, err := experiments.ReadCSV(filepath.Join(out, table+".csv"))
				if err != nil {
					t.Fatal(err)
				}
				if len(tab.Rows) == 0 {
					t.Fatalf("%s/%s: no rows", name, table)
				}
				for _, col := range cols {
					k := -1
					for i, h := range tab.Header {
						if h == col {
							k = i
						}
					}
					if k < 0 {
						t.Fatalf("%s/%s: no column %s in %v", name, table, col, tab.Header)
					}
					for _, r := range tab.Rows {
						v, err := strconv.ParseFloat(r[k], 64)
						if err != nil || v <= 0 {
							t.Errorf("%s/%s: %s = %q in %v", name, table, col, r[k], r)
						}
					}
				}
			}
		})
	}
	if _, err := experiments.RunAndWrite(context.Background(), "nosuch", true, dir, nil); err == nil {
		t.Error("an unknown experiment ran")
	}
}

func TestFig5CoversPrograms(t *testing.T) {
	dir := t.TempDir()
	out, err := experiments.RunAndWrite(context.Background(), "fig5", true, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := experiments.ReadCSV(filepath.Join(out, "benchmarks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range tab.Rows {
		got[r[0]] = true
	}
	if !got["jlex"] || !got["cup"] {
		t.Errorf("quick fig5 lacks the paper's two programs: %v", got)
	}
}

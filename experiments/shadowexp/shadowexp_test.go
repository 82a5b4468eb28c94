package shadowexp

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dvmlab/experiments"
)

// TestQuick runs both experiments on JLex and checks their tables: the
// perturbation is at most the stub class (the paper's bound is two), and
// every time and ratio is a finite positive number.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs JVMs")
	}
	dir := t.TempDir()
	col := func(tab experiments.Table, name string) int {
		for i, h := range tab.Header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, tab.Header)
		return -1
	}
	for name, table := range map[string]string{"table1": "classes", "table5": "overhead"} {
		var progress strings.Builder
		out, err := experiments.RunAndWrite(context.Background(), name, true, dir, &progress)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, progress.String())
		}
		tab, err := experiments.ReadCSV(filepath.Join(out, table+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Rows) != 1 || tab.Rows[0][0] != "jlex" {
			t.Fatalf("%s: rows %v", name, tab.Rows)
		}
		r := tab.Rows[0]
		switch name {
		case "table1":
			base, _ := strconv.Atoi(r[col(tab, "uninstrumented")])
			extra, _ := strconv.Atoi(r[col(tab, "shadowvm_extra")])
			if base < 400 || extra < 0 || extra > 2 {
				t.Errorf("table1: %d classes uninstrumented, %d more under ShadowVM (at most 2 allowed)", base, extra)
			}
		case "table5":
			for _, c := range []string{"uninstrumented_ms", "in_process_ms", "global_ms", "thread_ms", "group_ms",
				"global_vs_in_process", "thread_vs_in_process", "group_vs_in_process", "allocations"} {
				if v, err := strconv.ParseFloat(r[col(tab, c)], 64); err != nil || v <= 0 {
					t.Errorf("table5: %s = %q", c, r[col(tab, c)])
				}
			}
		}
	}
}

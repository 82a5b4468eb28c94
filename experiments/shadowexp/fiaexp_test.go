package shadowexp

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dvmlab/experiments"
)

// TestParseGC reads a real JDK 17 G1 log (testdata/churn-gc.log, of
// `java -Xmx2g -Xmn16m -Xlog:gc,gc+heap+exit Churn`): Churn allocates
// 400,000 arrays of 1 KB (about 406,000 KB with headers), so the
// collections and what is left at exit must add up to about that.
func TestParseGC(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "churn-gc.log"))
	if err != nil {
		t.Fatal(err)
	}
	g := parseGC(string(data))
	if g.young != 28 || g.old != 1 || g.finalHeapKB != 37888 || !g.sawHeapAtExit {
		t.Errorf("young %d, old %d, final heap %.0f KB; want 28, 1 (the System.gc()), 37888", g.young, g.old, g.finalHeapKB)
	}
	if g.allocatedKB < 390000 || g.allocatedKB > 440000 {
		t.Errorf("allocated %.0f KB, want about 406,000", g.allocatedKB)
	}
}

// TestOnlyIn: objects are matched by thread, site and per-site sequence.
func TestOnlyIn(t *testing.T) {
	a := map[string]int64{"main\tA.f()V@1": 5, "main\tA.g()V@3": 2, "w\tA.f()V@1": 1}
	b := map[string]int64{"main\tA.f()V@1": 3, "main\tA.g()V@3": 4}
	if got := onlyIn(a, b); got != 3 {
		t.Errorf("only in a: %d, want 3 (2 at f in main, 1 in w)", got)
	}
	if got := onlyIn(b, a); got != 2 {
		t.Errorf("only in b: %d, want 2", got)
	}
	m := normalizeThreads(map[string]int64{"<bootstrap>\tX@1": 2, "main\tX@1": 3})
	if m["main\tX@1"] != 5 || len(m) != 1 {
		t.Errorf("the thread that started before VM init is main: %v", m)
	}
}

// TestFIAQuick runs the quick forms of Tables 2 and 4 on JLex (Table 3
// shares Table 4's runs, Table 5's steady state the drivers' iteration,
// tested in datasets) and checks what the paper's tables show: the
// in-process FIA allocates more than the program alone, ShadowVM observes
// more allocations than in process, and more objects only it sees than
// the noise floor between two of its own runs.
func TestFIAQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs JVMs")
	}
	dir := t.TempDir()
	for name, table := range map[string]string{"table2": "gc", "table4": "unmatched"} {
		var progress strings.Builder
		out, err := experiments.RunAndWrite(context.Background(), name, true, dir, &progress)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, progress.String())
		}
		tab, err := experiments.ReadCSV(filepath.Join(out, table+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		col := func(c string) int {
			for i, h := range tab.Header {
				if h == c {
					return i
				}
			}
			t.Fatalf("%s: no column %s", name, c)
			return -1
		}
		num := func(r []string, c string) float64 {
			v, err := strconv.ParseFloat(r[col(c)], 64)
			if err != nil {
				t.Fatalf("%s: %s = %q", name, c, r[col(c)])
			}
			return v
		}
		switch name {
		case "table2":
			alloc := map[string]float64{}
			for _, r := range tab.Rows {
				alloc[r[col("mode")]] = num(r, "allocated_kb")
			}
			if len(alloc) != 3 || alloc["in-process"] <= alloc["uninstrumented"] {
				t.Errorf("table2: allocated KB by mode %v: the in-process FIA keeps its state on the observed heap", alloc)
			}
		case "table4":
			r := tab.Rows[0]
			if num(r, "only_shadowvm") <= num(r, "noise_shadowvm") {
				t.Errorf("table4: %s objects only ShadowVM saw, noise floor %s", r[col("only_shadowvm")], r[col("noise_shadowvm")])
			}
		}
	}
}

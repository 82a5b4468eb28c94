package plots

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"dvmlab/experiments"
)

// Terminal renders an experiment's tables as text: each table with a bar
// beside every row for its main measurement, scaled to the largest. It is
// what the workbench shows inline.
func Terminal(name, resultsDir string, width int) (string, error) {
	dir := filepath.Join(resultsDir, name)
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no results for %s in %s (run: dvmlab experiment run %s)", name, resultsDir, name)
	}
	sort.Strings(files)
	var b strings.Builder
	for _, f := range files {
		t, err := experiments.ReadCSV(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s/%s\n", name, t.Name)
		writeTable(&b, t, width)
		b.WriteString("\n")
	}
	if _, err := os.Stat(filepath.Join(dir, "metadata.json")); err == nil {
		fmt.Fprintf(&b, "(measured as %s says)\n", filepath.Join(dir, "metadata.json"))
	}
	return b.String(), nil
}

// mainColumns are the measurements bars are drawn for, in preference order.
var mainColumns = []string{"classes_per_s", "startup_ms", "median_ms", "uncached_ms", "client_verification_ms", "static_percent", "classes",
	"thread_vs_in_process", "shadowvm", "allocated_kb", "shadowvm_mean", "only_shadowvm", "thread_overhead"}

func writeTable(b *strings.Builder, t experiments.Table, width int) {
	bar := -1
	for _, c := range mainColumns {
		for i, h := range t.Header {
			if h == c && bar < 0 {
				bar = i
			}
		}
	}
	// Long text columns (descriptions) are left out of the text view.
	var cols []int
	for i, h := range t.Header {
		if h != "description" {
			cols = append(cols, i)
		}
	}
	w := make([]int, len(t.Header))
	for _, i := range cols {
		w[i] = len(t.Header[i])
		for _, r := range t.Rows {
			w[i] = max(w[i], len(r[i]))
		}
	}
	line := func(r []string) string {
		var parts []string
		for _, i := range cols {
			parts = append(parts, fmt.Sprintf("%*s", w[i], r[i]))
		}
		return strings.Join(parts, " ")
	}
	fmt.Fprintf(b, "  %s\n", line(t.Header))
	top := 0.0
	if bar >= 0 {
		for _, r := range t.Rows {
			var v float64
			fmt.Sscan(r[bar], &v)
			top = math.Max(top, v)
		}
	}
	for _, r := range t.Rows {
		l := line(r)
		if bar >= 0 && top > 0 {
			var v float64
			fmt.Sscan(r[bar], &v)
			room := max(8, width-len(l)-4)
			l += "  " + experiments.Bar(v/top, room)
		}
		fmt.Fprintf(b, "  %s\n", l)
	}
}

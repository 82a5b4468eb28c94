package plots

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
)

// The ShadowVM paper's case study, the field immutability analysis: its
// Tables 2, 3, 4 and Table 5 in steady state, drawn from
// experiments/shadowexp's results (each directory also holds the paper's
// numbers, paper.csv, which the text view shows beside ours).
func init() {
	renderers["table2"] = table2
	renderers["table3"] = table3
	renderers["table4"] = table4
	renderers["table5s"] = table5s
	renderers["table6"] = table6
}

// table6: time per object identified, by the JVMTI tag map and by the
// injected id field, against the number of benchmark threads.
func table6(dir string) (*plot.Plot, error) {
	t, err := read(dir, "tagging", "workload", "threads", "mode", "tag_ns_per_object", "id_ns_per_object")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "ShadowVM Table 6: identifying objects, tag map vs injected id field"
	p.X.Label.Text = "benchmark threads"
	p.Y.Label.Text = "ns per object sent"
	k := 0
	for _, w := range []string{"parallel", "sunflow"} {
		for _, s := range []struct{ mode, col, label string }{{"tag-map", "tag_ns_per_object", "tag map"}, {"id-field", "id_ns_per_object", "id field"}} {
			var pts plotter.XYs
			for _, r := range t.Rows {
				if t.str(r, "workload") != w || t.str(r, "mode") != s.mode {
					continue
				}
				x, err := t.num(r, "threads")
				if err != nil {
					return nil, err
				}
				y, err := t.num(r, s.col)
				if err != nil {
					return nil, err
				}
				pts = append(pts, plotter.XY{X: x, Y: y})
			}
			if len(pts) == 0 {
				continue
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			l.Color = plotutil.Color(k)
			l.Dashes = plotutil.Dashes(k)
			p.Add(l)
			p.Legend.Add(w+": "+s.label, l)
			k++
		}
	}
	p.Legend.Top = true
	p.Legend.Left = true // the tag map's lines rise to the top right
	return p, nil
}

// table2: memory allocated per run, uninstrumented, in process and under
// ShadowVM (the GC counts are in the CSV).
func table2(dir string) (*plot.Plot, error) {
	t, err := read(dir, "gc", "program", "mode", "allocated_kb")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "ShadowVM Table 2: memory allocated under FIA (-Xmx2g)"
	p.Y.Label.Text = "allocated (KB, mean over runs)"
	err = groupedBars(p, t, "program", []string{"uninstrumented", "in-process", "shadowvm-thread"}, func(string) string { return "allocated_kb" })
	p.Legend.Left = true
	p.Y.Max *= 1.4 // room for the legend above the bars
	return p, err
}

// table3: allocations each FIA observes, and the part of ShadowVM's that
// came before VM init, when the in-process analysis has not started; on a
// log scale, since the programs span three orders of magnitude (jlex's
// 23 thousand to sunflow's 7.4 million).
func table3(dir string) (*plot.Plot, error) {
	t, err := read(dir, "allocations", "program", "in_process_mean", "shadowvm_mean", "shadowvm_before_vm_init")
	if err != nil {
		return nil, err
	}
	for _, r := range t.Rows {
		for _, c := range []string{"in_process_mean", "shadowvm_mean", "shadowvm_before_vm_init"} {
			v, err := t.num(r, c)
			if err != nil {
				return nil, err
			}
			if v < 1 {
				v = 1 // log10(1) = 0: no bar, where nothing was seen
			}
			r[t.col[c]] = strconv.FormatFloat(math.Log10(v), 'g', -1, 64)
		}
	}
	p := plot.New()
	p.Title.Text = "ShadowVM Table 3: allocations observed by FIA"
	p.Y.Label.Text = "allocations (mean over runs, log scale)"
	series := map[string]string{"in process": "in_process_mean", "ShadowVM": "shadowvm_mean", "ShadowVM before VM init": "shadowvm_before_vm_init"}
	err = groupedBars(p, t, "program", []string{"in process", "ShadowVM", "ShadowVM before VM init"}, func(s string) string { return series[s] })
	p.Legend.Left = true
	p.Y.Min = 0
	p.Y.Max = math.Ceil(p.Y.Max) + 1.5 // room for the legend above the bars
	var ticks []plot.Tick
	for e := 0.0; e <= p.Y.Max; e++ {
		ticks = append(ticks, plot.Tick{Value: e, Label: strconv.FormatFloat(math.Pow(10, e), 'f', 0, 64)})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	return p, err
}

// table4: objects only one FIA observed, as a share of what that FIA saw
// (the paper's form), beside the noise floor of two runs of one
// implementation.
func table4(dir string) (*plot.Plot, error) {
	t, err := read(dir, "unmatched", "program", "only_in_process_pct", "only_shadowvm_pct", "noise_in_process_pct", "noise_shadowvm_pct")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "ShadowVM Table 4: objects observed by only one FIA"
	p.Y.Label.Text = "% of that FIA's objects (mean over run pairs)"
	series := map[string]string{"only in process": "only_in_process_pct", "only ShadowVM": "only_shadowvm_pct",
		"noise: in process": "noise_in_process_pct", "noise: ShadowVM": "noise_shadowvm_pct"}
	err = groupedBars(p, t, "program", []string{"only in process", "only ShadowVM", "noise: in process", "noise: ShadowVM"},
		func(s string) string { return series[s] })
	p.Legend.Left = false
	p.Y.Max *= 1.4 // room for the legend above the bars
	return p, err
}

// table5s: the fifth iteration's time out of process relative to in
// process, per ordering model.
func table5s(dir string) (*plot.Plot, error) {
	t, err := read(dir, "steady", "program", "thread_overhead", "global_overhead")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "ShadowVM Table 5 (steady state): FIA, out of process vs in process"
	p.Y.Label.Text = "iteration time / in-process iteration time"
	series := map[string]string{"per-thread": "thread_overhead", "global ordering": "global_overhead"}
	err = groupedBars(p, t, "program", []string{"per-thread", "global ordering"}, func(s string) string { return series[s] })
	p.Y.Max = math.Max(p.Y.Max, 1)
	p.Legend.Left = true
	p.Y.Max *= 1.4 // room for the legend above the bars
	return p, err
}

// Package plots renders the experiments' CSV results as the papers'
// figures with gonum/plot (PNG and SVG), and as text charts for a terminal.
// Each renderer reads results/NAME/*.csv as experiments wrote them; error
// bars span the fastest and slowest counted repetition.
package plots

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"dvmlab/experiments"
)

// renderer draws one figure from an experiment's directory.
type renderer func(dir string) (*plot.Plot, error)

var renderers = map[string]renderer{
	"fig5":     fig5,
	"fig6":     fig6,
	"fig10":    fig10,
	"fig11":    fig11,
	"fig7":     fig7,
	"fig8":     fig8,
	"overhead": overheadPlot,
	"table1":   table1,
	"table5":   table5,
}

// Names lists the figures there is a renderer for.
func Names() []string {
	var out []string
	for n := range renderers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Render draws figure name from resultsDir/name into outDir/name.png and
// .svg and returns their paths.
func Render(name, resultsDir, outDir string) ([]string, error) {
	r, ok := renderers[name]
	if !ok {
		return nil, fmt.Errorf("no plot %q (have %s)", name, strings.Join(Names(), ", "))
	}
	dir := filepath.Join(resultsDir, name)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no results for %s in %s (run: dvmlab experiment run %s)", name, resultsDir, name)
	}
	p, err := r(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, ext := range []string{".png", ".svg"} {
		f := filepath.Join(outDir, name+ext)
		if err := p.Save(7*vg.Inch, 4.5*vg.Inch, f); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// table reads one CSV with the columns a renderer needs.
type table struct {
	experiments.Table
	col map[string]int
}

func read(dir, name string, need ...string) (*table, error) {
	t, err := experiments.ReadCSV(filepath.Join(dir, name+".csv"))
	if err != nil {
		return nil, err
	}
	tb := &table{Table: t, col: map[string]int{}}
	for i, h := range t.Header {
		tb.col[h] = i
	}
	for _, n := range need {
		if _, ok := tb.col[n]; !ok {
			return nil, fmt.Errorf("%s.csv has no column %s", name, n)
		}
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("%s.csv has no rows", name)
	}
	return tb, nil
}

func (t *table) str(row []string, c string) string { return row[t.col[c]] }

func (t *table) num(row []string, c string) (float64, error) {
	v, err := strconv.ParseFloat(row[t.col[c]], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s.csv: %s = %q is not a number", t.Name, c, row[t.col[c]])
	}
	return v, nil
}

// errPoints are points with error bars from min and max columns.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

func fig5(dir string) (*plot.Plot, error) {
	t, err := read(dir, "benchmarks", "program", "classes", "bytes")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Figure 5: the benchmark programs"
	p.Y.Label.Text = "classes"
	var names []string
	var vals plotter.Values
	for _, r := range t.Rows {
		v, err := t.num(r, "classes")
		if err != nil {
			return nil, err
		}
		kb, _ := t.num(r, "bytes")
		names = append(names, fmt.Sprintf("%s\n%.0f KB", t.str(r, "program"), kb/1000))
		vals = append(vals, v)
	}
	b, err := plotter.NewBarChart(vals, vg.Points(28))
	if err != nil {
		return nil, err
	}
	b.Color = plotutil.Color(0)
	p.Add(b)
	p.NominalX(names...)
	return p, nil
}

// groupedBars draws one bar group per program and a bar per series; the
// spread of the repetitions is in the CSV (bars and error bars in one
// group cannot share gonum's data coordinates).
func groupedBars(p *plot.Plot, t *table, programCol string, series []string, col func(s string) string) error {
	var programs []string
	idx := map[string]int{}
	for _, r := range t.Rows {
		n := t.str(r, programCol)
		if _, ok := idx[n]; !ok {
			idx[n] = len(programs)
			programs = append(programs, n)
		}
	}
	_, byMode := t.col["mode"]
	w := vg.Points(14)
	for k, s := range series {
		vals := make(plotter.Values, len(programs))
		for _, r := range t.Rows {
			if byMode && t.str(r, "mode") != s {
				continue
			}
			v, err := t.num(r, col(s))
			if err != nil {
				return err
			}
			vals[idx[t.str(r, programCol)]] = v
		}
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		b.Color = plotutil.Color(k)
		b.Offset = (vg.Length(k) - vg.Length(len(series)-1)/2) * w
		p.Add(b)
		p.Legend.Add(s, b)
	}
	p.NominalX(programs...)
	p.Legend.Top = true
	return nil
}

func overheadPlot(dir string) (*plot.Plot, error) {
	t, err := read(dir, "overhead", "program", "uncached_ms", "uncached_min_ms", "uncached_max_ms", "cached_ms", "cached_min_ms", "cached_max_ms")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Proxy overhead per application (§4.1.2)"
	p.Y.Label.Text = "time for all classes (ms)"
	err = groupedBars(p, t, "program", []string{"uncached", "cached"}, func(s string) string { return s + "_ms" })
	return p, err
}

func fig6(dir string) (*plot.Plot, error) {
	t, err := read(dir, "endtoend", "program", "mode", "median_ms", "min_ms", "max_ms")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Figure 6: end-to-end time"
	p.Y.Label.Text = "time (ms)"
	err = groupedBars(p, t, "program", []string{"monolithic", "DVM uncached", "DVM cached"}, func(string) string { return "median_ms" })
	return p, err
}

func fig7(dir string) (*plot.Plot, error) {
	t, err := read(dir, "verification", "program", "client_verification_ms", "dvm_client_checks_ms")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Figure 7: verification time at the client"
	p.Y.Label.Text = "time (ms)"
	series := map[string]string{"monolithic: HotSpot verifies": "client_verification_ms", "DVM: link checks only": "dvm_client_checks_ms"}
	err = groupedBars(p, t, "program", []string{"monolithic: HotSpot verifies", "DVM: link checks only"}, func(s string) string { return series[s] })
	return p, err
}

func fig8(dir string) (*plot.Plot, error) {
	t, err := read(dir, "checks", "program", "static_percent")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Figure 8: checks done statically at the proxy"
	p.Y.Label.Text = "share of all checks (%)"
	p.Y.Max = 100
	err = groupedBars(p, t, "program", []string{"static"}, func(string) string { return "static_percent" })
	return p, err
}

// table1 is the ShadowVM paper's Table 1 as bars: classes the observed JVM
// loads beyond the uninstrumented run's, per program.
func table1(dir string) (*plot.Plot, error) {
	t, err := read(dir, "classes", "program", "uninstrumented", "in_process_extra", "shadowvm_extra")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "ShadowVM Table 1: class-loading perturbation (baseline -Xshare:off)"
	p.Y.Label.Text = "classes loaded beyond the uninstrumented run"
	series := map[string]string{"in process": "in_process_extra", "ShadowVM": "shadowvm_extra"}
	err = groupedBars(p, t, "program", []string{"in process", "ShadowVM"}, func(s string) string { return series[s] })
	p.Y.Max = math.Max(p.Y.Max, 3) // room for the legend above the bars
	return p, err
}

// table5 is the shape of the ShadowVM paper's Table 5: the allocation
// counter's run time out of process, per ordering model, relative to the
// same hooks counting in process.
func table5(dir string) (*plot.Plot, error) {
	t, err := read(dir, "overhead", "program", "global_vs_in_process", "thread_vs_in_process", "group_vs_in_process")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "ShadowVM Table 5: allocation counter, out of process vs in process"
	p.Y.Label.Text = "run time / in-process run time"
	series := map[string]string{"global ordering": "global_vs_in_process", "per-thread": "thread_vs_in_process", "per-group": "group_vs_in_process"}
	err = groupedBars(p, t, "program", []string{"global ordering", "per-thread", "per-group"}, func(s string) string { return series[s] })
	p.Legend.Left = true // the heaviest program is last
	return p, err
}

func fig10(dir string) (*plot.Plot, error) {
	m, err := read(dir, "measured", "clients", "classes_per_s", "classes_per_s_min", "classes_per_s_max")
	if err != nil {
		return nil, err
	}
	model, err := read(dir, "model", "replicas", "clients", "classes_per_s")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Figure 10: proxy throughput"
	p.X.Label.Text = "clients"
	p.Y.Label.Text = "classes per second"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	var pts errPoints
	for _, r := range m.Rows {
		x, err := m.num(r, "clients")
		if err != nil {
			return nil, err
		}
		y, _ := m.num(r, "classes_per_s")
		lo, _ := m.num(r, "classes_per_s_min")
		hi, _ := m.num(r, "classes_per_s_max")
		pts.XYs = append(pts.XYs, plotter.XY{X: x, Y: y})
		pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{y - lo, hi - y})
	}
	if err := addMeasured(p, "measured, 1 proxy", pts, 0); err != nil {
		return nil, err
	}
	lines := map[float64]plotter.XYs{}
	var reps []float64
	for _, r := range model.Rows {
		n, err := model.num(r, "replicas")
		if err != nil {
			return nil, err
		}
		x, _ := model.num(r, "clients")
		y, _ := model.num(r, "classes_per_s")
		if _, ok := lines[n]; !ok {
			reps = append(reps, n)
		}
		lines[n] = append(lines[n], plotter.XY{X: x, Y: y})
	}
	for i, n := range reps {
		l, err := plotter.NewLine(lines[n])
		if err != nil {
			return nil, err
		}
		l.Color = plotutil.Color(i + 1)
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("model, %g %s", n, map[bool]string{true: "proxies", false: "proxy"}[n > 1]), l)
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

func fig11(dir string) (*plot.Plot, error) {
	m, err := read(dir, "measured", "program", "mode", "kbps", "startup_ms", "min_ms", "max_ms")
	if err != nil {
		return nil, err
	}
	model, err := read(dir, "model", "program", "mode", "kbps", "startup_ms")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Figure 11: start-up time over a slow link"
	p.X.Label.Text = "link bandwidth (kbit/s)"
	p.Y.Label.Text = "start-up time (s)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	type key struct{ program, mode string }
	measured := map[key]*errPoints{}
	predicted := map[key]plotter.XYs{}
	var keys []key
	for _, r := range m.Rows {
		k := key{m.str(r, "program"), m.str(r, "mode")}
		x, err := m.num(r, "kbps")
		if err != nil {
			return nil, err
		}
		y, _ := m.num(r, "startup_ms")
		lo, _ := m.num(r, "min_ms")
		hi, _ := m.num(r, "max_ms")
		if measured[k] == nil {
			measured[k] = &errPoints{}
			keys = append(keys, k)
		}
		e := measured[k]
		e.XYs = append(e.XYs, plotter.XY{X: x, Y: y / 1000})
		e.YErrors = append(e.YErrors, struct{ Low, High float64 }{(y - lo) / 1000, (hi - y) / 1000})
	}
	for _, r := range model.Rows {
		k := key{model.str(r, "program"), model.str(r, "mode")}
		x, err := model.num(r, "kbps")
		if err != nil {
			return nil, err
		}
		y, _ := model.num(r, "startup_ms")
		predicted[k] = append(predicted[k], plotter.XY{X: x, Y: y / 1000})
	}
	for i, k := range keys {
		if err := addMeasured(p, fmt.Sprintf("%s by %s, measured", k.program, k.mode), *measured[k], i); err != nil {
			return nil, err
		}
		if pr := predicted[k]; len(pr) > 0 {
			l, err := plotter.NewLine(pr)
			if err != nil {
				return nil, err
			}
			l.Color = plotutil.Color(i)
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("%s by %s, model", k.program, k.mode), l)
		}
	}
	// The curves fall from the top left; the bottom left is free.
	p.Legend.Top, p.Legend.Left = false, true
	return p, nil
}

// addMeasured draws measured points joined by a line, with error bars.
func addMeasured(p *plot.Plot, label string, e errPoints, k int) error {
	if len(e.XYs) == 0 {
		return errors.New("no measured points")
	}
	lp, sc, err := plotter.NewLinePoints(e.XYs)
	if err != nil {
		return err
	}
	lp.Color, sc.Color = plotutil.Color(k), plotutil.Color(k)
	sc.Shape = draw.CircleGlyph{}
	eb, err := plotter.NewYErrorBars(e)
	if err != nil {
		return err
	}
	eb.Color = plotutil.Color(k)
	p.Add(lp, sc, eb)
	p.Legend.Add(label, lp, sc)
	return nil
}

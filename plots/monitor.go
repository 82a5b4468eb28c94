package plots

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

func init() { renderers["monitor"] = monitorPlot }

// monitorPlot draws each program's run time with the monitor service, the
// profile service, both, and JaCoCo's agent, relative to the plain run:
// four bars a program, narrower than groupedBars draws them, so that nine
// programs fit. A run stopped at the experiment's per-run limit
// (stopped_at_limit) is a lower bound: its bar is labelled ">=".
func monitorPlot(dir string) (*plot.Plot, error) {
	t, err := read(dir, "overhead", "program", "mode", "vs_plain")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Remote monitoring and profiling (§3.3): run time vs plain, -Xverify:all"
	p.Y.Label.Text = "run time / plain run"
	series := []string{"monitor", "profile", "monitor+profile", "jacoco"}
	var programs []string
	idx := map[string]int{}
	for _, r := range t.Rows {
		if n := t.str(r, "program"); idx[n] == 0 {
			programs = append(programs, n)
			idx[n] = len(programs)
		}
	}
	w := vg.Points(9)
	_, hasStopped := t.col["stopped_at_limit"]
	for k, s := range series {
		vals := make(plotter.Values, len(programs))
		var bounds plotter.XYLabels
		for _, r := range t.Rows {
			if t.str(r, "mode") != s {
				continue
			}
			v, err := t.num(r, "vs_plain")
			if err != nil {
				return nil, err
			}
			i := idx[t.str(r, "program")] - 1
			vals[i] = v
			if hasStopped && t.str(r, "stopped_at_limit") == "true" {
				bounds.XYs = append(bounds.XYs, plotter.XY{X: float64(i), Y: v})
				bounds.Labels = append(bounds.Labels, ">=")
			}
		}
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		b.Color = plotutil.Color(k)
		b.Offset = (vg.Length(k) - vg.Length(len(series)-1)/2) * w
		p.Add(b)
		p.Legend.Add(s, b)
		if len(bounds.XYs) > 0 {
			l, err := plotter.NewLabels(bounds)
			if err != nil {
				return nil, err
			}
			for i := range l.TextStyle {
				l.TextStyle[i].XAlign = -0.5
				l.Offset.X = b.Offset
			}
			p.Add(l)
		}
	}
	p.NominalX(programs...)
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

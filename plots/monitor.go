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
// programs fit.
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
	for k, s := range series {
		vals := make(plotter.Values, len(programs))
		for _, r := range t.Rows {
			if t.str(r, "mode") != s {
				continue
			}
			v, err := t.num(r, "vs_plain")
			if err != nil {
				return nil, err
			}
			vals[idx[t.str(r, "program")]-1] = v
		}
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		b.Color = plotutil.Color(k)
		b.Offset = (vg.Length(k) - vg.Length(len(series)-1)/2) * w
		p.Add(b)
		p.Legend.Add(s, b)
	}
	p.NominalX(programs...)
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

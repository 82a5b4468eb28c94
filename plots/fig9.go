package plots

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

func init() { renderers["fig9"] = fig9 }

// fig9 is the DVM paper's Figure 9 as a dot plot on a log scale (the rows
// span 10 ns to 10 ms): per benchmark, the unchecked operation, JDK 17's
// SecurityManager, the DVM's first check (with the policy download) and its
// later checks.
func fig9(dir string) (*plot.Plot, error) {
	series := []struct{ col, label string }{
		{"baseline_ns", "baseline (no check)"},
		{"jdk_ns", "JDK 17 SecurityManager"},
		{"dvm_first_ns", "DVM first check (download)"},
		{"dvm_later_ns", "DVM later checks"},
	}
	short := map[string]string{"getproperty": "Get Property", "openfile": "Open File", "readfile": "Read File",
		"priority": "Thread Priority", "exit": "exit (check)", "connect": "Socket connect"}
	need := []string{"row", "label"}
	for _, s := range series {
		need = append(need, s.col)
	}
	t, err := read(dir, "fig9", need...)
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Figure 9: security checks, monolithic and DVM"
	p.Y.Label.Text = "time per operation (ns, log scale)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	var labels []string
	for _, r := range t.Rows {
		l, ok := short[t.str(r, "row")]
		if !ok {
			l = t.str(r, "label")
		}
		labels = append(labels, l)
	}
	for k, s := range series {
		pts := make(plotter.XYs, len(t.Rows))
		for i, r := range t.Rows {
			v, err := t.num(r, s.col)
			if err != nil {
				return nil, err
			}
			pts[i].X = float64(i) + (float64(k)-1.5)*0.15
			pts[i].Y = max(v, 1) // the log scale has no zero
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color = plotutil.Color(k)
		sc.GlyphStyle.Shape = plotutil.Shape(k)
		sc.GlyphStyle.Radius = vg.Points(4)
		p.Add(sc)
		p.Legend.Add(s.label, sc)
	}
	p.NominalX(labels...)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	return p, nil
}

package plots

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

func init() { renderers["compiler"] = compilerPlot }

// compilerPlot draws the compiler experiment: per kernel, each
// configuration's steady-state speed as a ratio to C2, as its decimal
// logarithm (0 is C2's speed, -1 ten times slower: the interpreter sits two
// orders of magnitude below); the last group is the geometric mean.
func compilerPlot(dir string) (*plot.Plot, error) {
	t, err := read(dir, "ratios", "kernel", "config", "steady_vs_c2")
	if err != nil {
		return nil, err
	}
	var kernels, configs []string
	ki, ci := map[string]int{}, map[string]int{}
	for _, r := range t.Rows {
		if k := t.str(r, "kernel"); ki[k] == 0 {
			kernels = append(kernels, k)
			ki[k] = len(kernels)
		}
		if c := t.str(r, "config"); ci[c] == 0 {
			configs = append(configs, c)
			ci[c] = len(configs)
		}
	}
	p := plot.New()
	p.Title.Text = "Network compiler: steady-state speed relative to C2"
	p.Y.Label.Text = "log10(speed / C2)"
	w := vg.Points(9)
	for k, c := range configs {
		vals := make(plotter.Values, len(kernels))
		for _, r := range t.Rows {
			if t.str(r, "config") != c {
				continue
			}
			v, err := t.num(r, "steady_vs_c2")
			if err != nil {
				return nil, err
			}
			vals[ki[t.str(r, "kernel")]-1] = math.Log10(v)
		}
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		b.Color = plotutil.Color(k)
		b.Offset = (vg.Length(k) - vg.Length(len(configs)-1)/2) * w
		p.Add(b)
		p.Legend.Add(c, b)
	}
	p.NominalX(kernels...)
	p.Legend.Top = true // top right: every ratio there is at most about 1
	return p, nil
}

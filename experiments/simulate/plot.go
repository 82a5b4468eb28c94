package simulate

import (
	"fmt"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// PlotStartup draws start-up time against link bandwidth, class by class
// and as jars, in the layout of the DVM paper's Figure 11 (log-scaled
// bandwidth). The format follows the file's extension: .png, .svg or .pdf.
func PlotStartup(path, program string, rows []StartupRow) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s start-up over a slow link (model)", program)
	p.X.Label.Text = "link bandwidth (kbit/s)"
	p.Y.Label.Text = "start-up time (s)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	var cls, jar plotter.XYs
	for _, r := range rows {
		if r.BytesPerSec == 0 {
			continue // an unlimited link has no place on a bandwidth axis
		}
		kbps := r.BytesPerSec * 8 / 1000
		cls = append(cls, plotter.XY{X: kbps, Y: r.ClassByClass.Seconds()})
		jar = append(jar, plotter.XY{X: kbps, Y: r.Jar.Seconds()})
	}
	if len(cls) == 0 {
		return fmt.Errorf("%s: no limited link to plot", path)
	}
	if err := plotutil.AddLinePoints(p, "class by class", cls, "as jars", jar); err != nil {
		return err
	}
	p.Legend.Top = true // the curves fall to the right
	return save(p, path)
}

// PlotScaling draws throughput against clients, a line per replica count,
// in the layout of the DVM paper's Figure 10.
func PlotScaling(path, program string, rows []ScalingRow) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("proxy throughput, %s's classes (model)", program)
	p.X.Label.Text = "clients"
	p.Y.Label.Text = "classes served per second"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	byReplicas := map[int]plotter.XYs{}
	var order []int
	for _, r := range rows {
		if _, ok := byReplicas[r.Replicas]; !ok {
			order = append(order, r.Replicas)
		}
		byReplicas[r.Replicas] = append(byReplicas[r.Replicas], plotter.XY{X: float64(r.Clients), Y: r.Throughput})
	}
	var lines []any
	for _, n := range order {
		lines = append(lines, fmt.Sprintf("%d replica%s", n, map[bool]string{true: "s"}[n > 1]), byReplicas[n])
	}
	if err := plotutil.AddLinePoints(p, lines...); err != nil {
		return err
	}
	p.Legend.Top = false // the curves rise and level off at the top
	return save(p, path)
}

func save(p *plot.Plot, path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".svg", ".pdf":
	default:
		return fmt.Errorf("%s: write .png, .svg or .pdf", path)
	}
	return p.Save(6*vg.Inch, 4*vg.Inch, path)
}

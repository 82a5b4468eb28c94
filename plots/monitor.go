package plots

import "gonum.org/v1/plot"

func init() { renderers["monitor"] = monitorPlot }

// monitorPlot draws each program's run time with the monitor service, the
// profile service, both, and JaCoCo's agent, relative to the plain run.
func monitorPlot(dir string) (*plot.Plot, error) {
	t, err := read(dir, "overhead", "program", "mode", "vs_plain")
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Remote monitoring and profiling (§3.3): run time vs plain, -Xverify:all"
	p.Y.Label.Text = "run time / plain run"
	err = groupedBars(p, t, "program", []string{"monitor", "profile", "monitor+profile", "jacoco"}, func(string) string { return "vs_plain" })
	return p, err
}

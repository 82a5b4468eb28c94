package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dvmlab/experiments/simulate"
	"dvmlab/plots"
	"dvmlab/workbench/listing"
)

// The right pane shows, besides a class's code, what the command line's
// simulate and plot commands show: models of the open program drawn as
// terminal charts, and the figures of the experiments that have been run.

// defaultResults is where `dvmlab experiment run` writes, relative to
// where the workbench runs, as `dvmlab plot` reads it.
const defaultResults = "results"

// simulateDone carries the finished models back to Update.
type simulateDone struct {
	text string
	err  error
}

// startSimulate measures one run of the open program and feeds the start-up
// and proxy models with it, off the UI's goroutine.
func (m *Model) startSimulate() tea.Cmd {
	if m.program == nil {
		m.status = "simulate models one of the datasets' programs: open its jar (e.g. /usr/share/java/JLex.jar)"
		return nil
	}
	if m.simulating {
		return nil
	}
	m.simulating = true
	p, pl := *m.program, m.pipeline
	m.status = fmt.Sprintf("simulate: running %s once to see what it loads, then the start-up and proxy models…", p.Name)
	return func() tea.Msg {
		prof, err := simulate.Measure(context.Background(), p)
		if err != nil {
			return simulateDone{err: err}
		}
		times, err := simulate.ServiceTimes(p, prof, pl)
		if err != nil {
			return simulateDone{err: err}
		}
		text, err := simulateText(p.Name, prof, times, pl.String())
		return simulateDone{text: text, err: err}
	}
}

// simulateText is the simulate pane: the start-up model over links from a
// modem's to a LAN's, and the proxy model over clients and replicas, fed
// with a run's profile and the pipeline's measured service times.
func simulateText(program string, prof *simulate.Profile, times []time.Duration, services string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d classes loaded, %v with everything local\n\n", program, len(prof.Classes), prof.Local.Round(time.Millisecond))
	latency := 50 * time.Millisecond
	rows, err := simulate.Startup(prof, []string{"28.8kbps", "56kbps", "128kbps", "512kbps", "1mbps", "10mbps"}, latency, time.Millisecond)
	if err != nil {
		return "", err
	}
	simulate.PrintStartup(&b, rows, latency)
	srows, err := simulate.Scaling(times, len(prof.Classes), []int{1, 10, 100, 1000, 10000, 100000}, []int{1, 2, 4}, 2, 0, 0)
	if err != nil {
		return "", err
	}
	b.WriteString("\n")
	simulate.PrintScaling(&b, services, times, srows)
	return b.String(), nil
}

// showPlot shows the next experiment's figure as text.
func (m *Model) showPlot() {
	names := plots.Names()
	if len(names) == 0 {
		return
	}
	// The next figure with results, from the one after the last shown.
	for k := 0; k < len(names); k++ {
		i := (m.plot + k) % len(names)
		s, err := plots.Terminal(names[i], m.results, max(40, m.width-m.listWidth()-6))
		if err != nil {
			continue
		}
		m.plot = i + 1
		m.panel.set(strings.Split(strings.TrimRight(s, "\n"), "\n"))
		m.showDiff, m.pane = false, viewPlots
		m.status = fmt.Sprintf("plot %s (%d of %d figures): P for the next; dvmlab plot %s draws it as PNG and SVG", names[i], i+1, len(names), names[i])
		return
	}
	m.status = "no experiment results under " + m.results + "/ (dvmlab experiment run NAME --quick makes some)"
}

// withCoverage puts the coverage profile's counts on a class's listing.
func (m *Model) withCoverage(lines []string, data []byte) []string {
	byBlock := m.profile[m.selected()]
	if byBlock == nil {
		return lines
	}
	counts, err := listing.CountsOf(data, byBlock)
	if err != nil {
		return lines
	}
	out, err := listing.WithCounts(lines, data, "", counts)
	if err != nil {
		return lines
	}
	return out
}

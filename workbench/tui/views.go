package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The right pane is one of several child views; the root model routes keys
// and finished work to the one on screen and names it in the title. Work
// that takes time (a JVM, a compiler, a proxy, a REPL command) runs as a
// tea.Cmd off the UI's goroutine and comes back as a paneDone.

// view names a child view of the right pane.
type view string

const (
	viewListing view = "listing"
	viewDiff    view = "diff"
	viewRuns    view = "runs"
	viewPlots   view = "plots"
	viewTrace   view = "trace"
	viewNative  view = "native"
	viewPolicy  view = "policy"
	viewConsole view = "console"
	viewFIA     view = "fia"
	viewCommand view = "command"
)

// replCommands are the REPL commands that show what each view shows, so
// that every view of the TUI is also a REPL command (and, through the :
// prompt, every REPL command a view of the TUI).
var replCommands = map[view]string{
	viewListing: "show",
	viewDiff:    "diff",
	viewRuns:    "compare",
	viewPlots:   "plot",
	viewTrace:   "trace",
	viewNative:  "asm",
	viewPolicy:  "guards",
	viewConsole: "console",
	viewFIA:     "fia",
	viewCommand: "help",
}

// paneDone carries a child view's finished work back to Update.
type paneDone struct {
	view   view
	text   string // the pane's lines
	status string // what the status line says when it is shown
	err    error
}

// current is the view on screen: the listing or the diff unless a pane
// replaced them.
func (m *Model) current() view {
	if m.pane != "" {
		return m.pane
	}
	if m.showDiff {
		return viewDiff
	}
	return viewListing
}

// startPane runs work off the UI's goroutine for view v, saying what is
// under way; the busy flag keeps two of them from running at once, since
// they share the REPL session.
func (m *Model) startPane(v view, progress string, work func() (text, status string, err error)) tea.Cmd {
	if m.busy != "" {
		m.status = fmt.Sprintf("still busy with %s; wait for it", m.busy)
		return nil
	}
	m.busy = string(v)
	m.status = progress
	return m.spinning(func() tea.Msg {
		text, status, err := work()
		return paneDone{view: v, text: text, status: status, err: err}
	})
}

// working says whether work is under way: a pane's, a comparison or a
// simulation.
func (m *Model) working() bool { return m.busy != "" || m.comparing || m.simulating }

// spinning runs work with the spinner turning until it is done.
func (m *Model) spinning(work tea.Cmd) tea.Cmd {
	if work == nil {
		return nil
	}
	m.since = time.Now()
	return tea.Batch(work, m.spin.Tick)
}

// showPane puts a finished child view's lines on the right pane.
func (m *Model) showPane(d paneDone) {
	m.busy = ""
	if d.err != nil {
		m.status = fmt.Sprintf("%s: %v", d.view, d.err)
		if d.text == "" {
			return
		}
	}
	m.pane = d.view
	// Tabs (assembler text) are spaced out here, so that lines are cut
	// to the pane's width as they will be drawn.
	m.panel.set(strings.Split(strings.ReplaceAll(strings.TrimRight(d.text, "\n"), "\t", "    "), "\n"))
	m.showDiff = false
	if d.err == nil {
		m.status = d.status
	}
}

// replInTUI is, for each REPL command, the key that does in the TUI what
// it does; Keys.Command (:) runs it as it is for those the TUI has no key
// of its own for.
var replInTUI = map[string]key.Binding{
	"load":     Keys.LoadTrace, // the open classes are loaded; L loads traces
	"shadow":   Keys.LoadTrace, // L on a .shlog replays it and shows the table
	"trace":    Keys.LoadTrace, // L on an audit trail lists its rows
	"classes":  Keys.Filter,
	"show":     Keys.Down, // the class under the cursor is shown
	"find":     Keys.Find,
	"services": Keys.Command,
	"pipeline": Keys.Command, // the TUI's is set with --services
	"step":     Keys.Step,
	"diff":     Keys.Diff,
	"frames":   Keys.Command,
	"help":     Keys.Help,
	"tour":     Keys.Command,
	"quit":     Keys.Quit,
	"native":   Keys.Passes, // with step: I walks the passes
	"fia":      Keys.FIA,
	"asm":      Keys.Native,
	"guards":   Keys.Guards,
}

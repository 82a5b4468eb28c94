package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dvmlab/core/classfile"
	"dvmlab/workbench/repl"
)

// The native pane walks a method through the network compiler as the
// REPL's step does after native: I shows its IR after the front end, then
// after each pass in turn, then its amd64 and its Alpha assembly.

// passWalk is the method being walked and the stages shown so far.
type passWalk struct {
	class, method string
	stages        []repl.NativeStage
	at            int
}

// walkDone brings a method's compiled stages back to Update.
type walkDone struct {
	class, method string
	stages        []repl.NativeStage
	err           error
}

// nextPass shows the next stage of the method the listing is at (or the
// native pane shows), compiling it first if it is not the one walked.
func (m *Model) nextPass() tea.Cmd {
	name := m.selected()
	if name == "" {
		m.status = "native passes: no class selected"
		return nil
	}
	method := m.methodAt()
	if method == "" {
		m.status = "native passes: go to a method first (n, or g NAME), then I"
		return nil
	}
	if w := m.walk; w != nil && w.class == name && w.method == method && m.pane == viewNative {
		m.showPass()
		return nil
	}
	if m.busy != "" {
		m.status = fmt.Sprintf("still busy with %s; wait for it", m.busy)
		return nil
	}
	m.busy = string(viewNative)
	m.nativeMethod = method
	what := classfile.BinaryName(name) + "." + method
	m.status = "compiling " + what + " pass by pass…"
	data := m.original
	return m.spinning(func() tea.Msg {
		stages, err := repl.NativeStages(data, method)
		return walkDone{class: name, method: method, stages: stages, err: err}
	})
}

// walked takes the compiled stages and shows the first.
func (m *Model) walked(d walkDone) {
	m.busy = ""
	if d.err != nil {
		m.status = "native passes: " + d.err.Error()
		return
	}
	m.walk = &passWalk{class: d.class, method: d.method, stages: d.stages}
	m.showPass()
}

// showPass puts the walk's next stage on the native pane; after the last
// it starts again from the first.
func (m *Model) showPass() {
	w := m.walk
	if w.at >= len(w.stages) {
		w.at = 0
	}
	st := w.stages[w.at]
	w.at++
	kind := "IR after " + st.Name
	if st.Name == "amd64" || st.Name == "alpha" {
		kind = st.Name + " assembly"
	}
	m.pane, m.showDiff = viewNative, false
	m.panel.set(strings.Split(strings.ReplaceAll(strings.TrimRight(st.Text, "\n"), "\t", "    "), "\n"))
	next := "the first again"
	if w.at < len(w.stages) {
		next = w.stages[w.at].Name
	}
	m.status = fmt.Sprintf("%s.%s %d/%d: %s; I for %s (repl: native, then step)", classfile.BinaryName(w.class), w.method, w.at, len(w.stages), kind, next)
}

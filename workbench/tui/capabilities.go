package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dvmlab/core/classfile"
	"dvmlab/core/proxy"
	"dvmlab/core/service"
	"dvmlab/workbench/repl"
)

// The panes of the network compiler, the security service and the
// monitoring console: each shows, for the class on the left, what the
// command line's compile --emit asm, policy sites and console show.

// methodAt is the name of the method whose declaration is at or above the
// listing's top line, "" above the first one.
func (m *Model) methodAt() string {
	if m.pane != "" {
		return m.nativeMethod
	}
	p := m.right()
	for i := min(p.scroll, len(p.lines)-1); i >= 0; i-- {
		if isMethodHeader(p.lines[i]) {
			decl := strings.TrimSpace(strings.TrimLeft(p.lines[i], "+-~ "))
			name := decl[:strings.Index(decl, "(")]
			if k := strings.LastIndexAny(name, " "); k >= 0 {
				name = name[k+1:]
			}
			// Constructors are declared by the class's name.
			if cls := classfile.BinaryName(m.selected()); name == cls {
				return "<init>"
			}
			if k := strings.LastIndex(name, "."); k >= 0 {
				name = name[k+1:]
			}
			return name
		}
	}
	return ""
}

// nativePane compiles the selected class for arch and shows the assembler
// text of the method the listing is at (the whole class above the first
// method), or why it stays bytecode.
func (m *Model) nativePane(arch string) tea.Cmd {
	name := m.selected()
	if name == "" {
		m.status = "native: no class selected"
		return nil
	}
	data := m.original
	method := m.methodAt()
	m.nativeMethod = method
	what := classfile.BinaryName(name)
	if method != "" {
		what += "." + method
	}
	return m.startPane(viewNative, fmt.Sprintf("compiling %s for %s…", what, arch), func() (string, string, error) {
		text, err := repl.NativeText(data, arch, method)
		next := "alpha"
		if arch == "alpha" {
			next = "amd64"
		}
		return text, fmt.Sprintf("%s native code for %s; A again for %s (dvmlab compile --arch %s --emit asm --only %s)", arch, what, next, arch, what), err
	})
}

// policyPane lists where the policy's guards check calls in the selected
// class, and the guarded entries, with each call's instruction as the
// listing shows it (dvmlab policy sites).
func (m *Model) policyPane(file string) tea.Cmd {
	name := m.selected()
	if name == "" {
		m.status = "policy: no class selected"
		return nil
	}
	m.policyFile = file // offered at the next G
	data, ctx := m.original, &service.Context{Hierarchy: m.pipeline.Hierarchy}
	return m.startPane(viewPolicy, "finding the guarded calls of "+classfile.BinaryName(name)+"…", func() (string, string, error) {
		text, n, err := repl.PolicyChecks(file, data, ctx)
		return text, fmt.Sprintf("%d checks of %s in %s (dvmlab policy sites); G again after moving to another class", n, filepath.Base(file), classfile.BinaryName(name)), err
	})
}

// consolePane fetches a proxy's monitoring console and shows it; while it
// is shown it is asked again every consoleEvery (liveConsole).
func (m *Model) consolePane(addr string) tea.Cmd {
	m.proxyAddr = addr // offered at the next M
	return m.startPane(viewConsole, "asking the proxy at "+addr+" for its console…", func() (string, string, error) {
		st, err := proxy.FetchConsole(nil, addr, 10)
		if err != nil {
			return "", "", err
		}
		return consoleText(st), consoleStatus(addr), nil
	})
}

func consoleStatus(addr string) string {
	return fmt.Sprintf("console of the proxy at %s, live: refreshed every %v while shown (dvmlab console --proxy %s)", addr, consoleEvery, addr)
}

// consoleEvery is how often a shown console asks its proxy again, as
// dvmlab console does by default.
var consoleEvery = time.Second

// consoleTick asks for the console of the proxy at addr again, if it is
// still the view shown; consoleFresh brings the answer back.
type consoleTick struct{ addr string }

type consoleFresh struct {
	addr string
	text string
	err  error
}

// liveConsole keeps the console view current: one request each
// consoleEvery, off the UI's goroutine, until another view replaces it.
func liveConsole(addr string) tea.Cmd {
	return tea.Tick(consoleEvery, func(time.Time) tea.Msg { return consoleTick{addr} })
}

// consoleShown says whether the console of the proxy at addr is on the
// right pane, so that a tick for another one (or after the view changed)
// ends its refreshing.
func (m *Model) consoleShown(addr string) bool {
	return m.pane == viewConsole && m.proxyAddr == addr
}

func (m *Model) refreshConsole(t consoleTick) tea.Cmd {
	if !m.consoleShown(t.addr) {
		return nil
	}
	return func() tea.Msg {
		st, err := proxy.FetchConsole(nil, t.addr, 10)
		if err != nil {
			return consoleFresh{addr: t.addr, err: err}
		}
		return consoleFresh{addr: t.addr, text: consoleText(st)}
	}
}

// freshConsole shows a refreshed console where the reader has scrolled to;
// a failed refresh keeps the last one and says so, and tries again.
func (m *Model) freshConsole(f consoleFresh) tea.Cmd {
	if !m.consoleShown(f.addr) {
		return nil
	}
	if f.err != nil {
		m.status = fmt.Sprintf("console: %v (showing the last answer; trying again)", f.err)
		return liveConsole(f.addr)
	}
	p := &m.panel
	p.lines = strings.Split(strings.TrimRight(f.text, "\n"), "\n")
	if p.scroll >= len(p.lines) {
		p.scroll = max(0, len(p.lines)-1)
	}
	m.status = consoleStatus(f.addr)
	return liveConsole(f.addr)
}

// consoleText is the console as dvmlab console prints it.
func consoleText(st proxy.ConsoleState) string {
	var b strings.Builder
	st.Render(&b)
	return b.String()
}

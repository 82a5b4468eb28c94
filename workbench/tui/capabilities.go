package tui

import (
	"fmt"
	"path/filepath"
	"strings"

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
	for i := min(m.scroll, len(m.lines)-1); i >= 0; i-- {
		if isMethodHeader(m.lines[i]) {
			decl := strings.TrimSpace(strings.TrimLeft(m.lines[i], "+-~ "))
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

// consolePane fetches a proxy's monitoring console once and shows it; M
// again refreshes it.
func (m *Model) consolePane(addr string) tea.Cmd {
	m.proxyAddr = addr // offered at the next M
	return m.startPane(viewConsole, "asking the proxy at "+addr+" for its console…", func() (string, string, error) {
		st, err := proxy.FetchConsole(nil, addr, 10)
		if err != nil {
			return "", "", err
		}
		return consoleText(st), "console of the proxy at " + addr + "; M again refreshes it (dvmlab console --proxy " + addr + " keeps it live)", nil
	})
}

// consoleText is the console as dvmlab console prints it.
func consoleText(st proxy.ConsoleState) string {
	var b strings.Builder
	st.Render(&b)
	return b.String()
}

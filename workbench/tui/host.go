package tui

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dvmlab/core/classfile"
	"dvmlab/workbench/listing"
	"dvmlab/workbench/repl"
)

// The TUI hosts a REPL session over the same classes, so that every REPL
// command (and through `run`, every command-line command) can be run from
// the : prompt and its output read in the right pane; trace loading and the
// field-immutability pane go through it too.

// session is the REPL session, made and loaded with the open classes on
// first use. Only one pane's work runs at a time (busy), so the session is
// never used by two goroutines at once.
func (m *Model) session() (*repl.Session, *bytes.Buffer, error) {
	if m.repl != nil {
		m.replOut.Reset()
		return m.repl, m.replOut, nil
	}
	m.replOut = &bytes.Buffer{}
	s := repl.NewSession(m.replOut, m.replOut)
	if err := s.Exec("load " + quote(sourcePath(m.src.String()))); err != nil {
		s.Close()
		return nil, nil, fmt.Errorf("loading the open classes into the REPL: %w", err)
	}
	m.repl = s
	m.replOut.Reset()
	return s, m.replOut, nil
}

// sourcePath is what the REPL's load takes for a source as its String
// names it: "jar PATH" is PATH, the running JDK is "jdk".
func sourcePath(desc string) string {
	kind, path, ok := strings.Cut(desc, " ")
	if !ok {
		return desc
	}
	if kind == "jdk" {
		return "jdk"
	}
	return path
}

// quote makes a path one argument of a REPL line.
func quote(s string) string {
	if strings.ContainsAny(s, " '\"") {
		return "'" + strings.ReplaceAll(s, "'", "") + "'"
	}
	return s
}

// runLines runs REPL lines in order and returns all they printed; the
// first failing line ends it, its error after what was printed.
func (m *Model) runLines(lines ...string) (string, error) {
	s, out, err := m.session()
	if err != nil {
		return "", err
	}
	for _, l := range lines {
		if err := s.Exec(l); err != nil {
			return out.String(), err
		}
	}
	return out.String(), nil
}

// commandLine runs what was typed at the : prompt as a REPL command.
func (m *Model) commandLine(line string) tea.Cmd {
	if line == "" {
		line = "help"
	}
	if f := strings.Fields(line); len(f) > 0 && (f[0] == "quit" || f[0] == "exit") {
		return tea.Quit
	}
	if f := strings.Fields(line); len(f) > 1 && f[0] == "run" && f[1] == "tui" {
		m.status = "the TUI is already running"
		return nil
	}
	class := classfile.BinaryName(m.selected())
	return m.startPane(viewCommand, "running "+line+"…", func() (string, string, error) {
		// The class on the left is the REPL's current one, so that step,
		// diff, find, native, guards and fia without CLASS take it.
		if class != "" && class != m.replClass {
			if _, err := m.runLines("show " + class); err == nil {
				m.replClass = class
			}
		}
		out, err := m.runLines(line)
		if out == "" && err == nil {
			out = "(no output)"
		}
		return out, fmt.Sprintf(":%s — : runs another REPL command (help lists them; run CMD … any dvmlab command)", line), err
	})
}

// loadTrace opens a trace: a coverage profile is overlaid on the listing
// from then on; an audit trail is summarised and its rows listed; a
// ShadowVM log is replayed and its table shown.
func (m *Model) loadTrace(path string) tea.Cmd {
	if strings.HasSuffix(path, ".txt") {
		p, err := listing.ReadProfile(path)
		if err != nil {
			m.status = "load trace: " + err.Error()
			return nil
		}
		m.profile = p
		m.pane = ""
		m.load()
		covered := 0
		for _, n := range m.names {
			if p[n] != nil {
				covered++
			}
		}
		m.status = fmt.Sprintf("coverage profile %s: counts for %d of %d classes, shown left of the code", filepath.Base(path), covered, len(m.names))
		return nil
	}
	return m.startPane(viewTrace, "loading "+path+"…", func() (string, string, error) {
		out, err := m.runLines("load " + quote(path))
		if err != nil {
			return out, "", err
		}
		var more string
		switch {
		case strings.HasPrefix(out, "loaded audit trail"):
			more = "trace"
		case strings.HasPrefix(out, "loaded shadow log"):
			more = "shadow --top 20"
		}
		if more != "" {
			rest, err := m.runLines(more)
			out += "\n" + rest
			if err != nil {
				return out, "", err
			}
		}
		return out, fmt.Sprintf("trace %s loaded; : runs trace, shadow, … on it", filepath.Base(path)), nil
	})
}

// fiaPane shows the selected class's fields with their verdicts from a
// field-immutability table (dvmlab shadow --analysis fia --csv).
func (m *Model) fiaPane(table string) tea.Cmd {
	class := classfile.BinaryName(m.selected())
	if class == "" {
		m.status = "fia: no class selected"
		return nil
	}
	m.fiaTable = table // offered at the next F
	return m.startPane(viewFIA, "field immutability of "+class+"…", func() (string, string, error) {
		// fiaLoaded, like the session, is only touched by the panes' work,
		// one at a time.
		var lines []string
		load := table != m.fiaLoaded
		if load {
			lines = append(lines, "fia "+quote(table))
		}
		lines = append(lines, "fia "+class)
		out, err := m.runLines(lines...)
		if err == nil && load {
			m.fiaLoaded = table
		}
		return out, fmt.Sprintf("fields of %s with their verdicts from %s; F again after moving to another class", class, filepath.Base(table)), err
	})
}

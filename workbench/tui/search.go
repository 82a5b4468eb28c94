package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// answer acts on what was typed at the prompt; the panes' prompts start
// work that comes back later.
func (m *Model) answer() tea.Cmd {
	what, in := m.prompt, strings.TrimSpace(m.input)
	m.prompt, m.input = "", ""
	if what == ":" {
		return m.commandLine(in)
	}
	if in == "" {
		return nil
	}
	switch what {
	case "load trace":
		m.lastPath = in
		return m.loadTrace(in)
	case "policy file":
		return m.policyPane(in)
	case "proxy":
		return m.consolePane(in)
	case "fia table":
		return m.fiaPane(in)
	case "find":
		m.search = in
		m.findFrom(m.right().scroll, 1)
	case "go to":
		m.goTo(in)
	}
	return nil
}

// findNext moves to the next (dir 1) or previous (dir -1) line with the
// last search in it.
func (m *Model) findNext(dir int) {
	if m.search == "" {
		m.status = "nothing to find yet: f finds"
		return
	}
	m.findFrom(m.right().scroll+dir, dir)
}

// findFrom searches the listing from line i on, case-insensitively,
// wrapping around at either end.
func (m *Model) findFrom(i, dir int) {
	p := m.right()
	n := len(p.lines)
	if n == 0 {
		return
	}
	want := strings.ToLower(m.search)
	matches := 0
	for _, l := range p.lines {
		if strings.Contains(strings.ToLower(l), want) {
			matches++
		}
	}
	if matches == 0 {
		m.status = fmt.Sprintf("find %q: not in this listing", m.search)
		return
	}
	for k := 0; k < n; k++ {
		j := ((i+dir*k)%n + n) % n
		if strings.Contains(strings.ToLower(p.lines[j]), want) {
			p.scroll = j
			nth := 0
			for _, l := range p.lines[:j+1] {
				if strings.Contains(strings.ToLower(l), want) {
					nth++
				}
			}
			m.status = fmt.Sprintf("find %q: match %d of %d, line %d; ] next, [ previous", m.search, nth, matches, j+1)
			return
		}
	}
}

// offsetLine finds an instruction's offset in a listing line, behind the
// gutter of annotations or a diff's mark.
var offsetLine = regexp.MustCompile(`^[-+~ │┌└╶▶]*?\s(\d+): `)

// goTo jumps to a method by name (the first declaration whose name starts
// with what was typed) or, given a number, to the instruction at that
// offset in the method the listing is in.
func (m *Model) goTo(target string) {
	p := m.right()
	if off, err := strconv.Atoi(target); err == nil {
		start := 0
		for i := min(p.scroll, len(p.lines)-1); i >= 0; i-- {
			if isMethodHeader(p.lines[i]) {
				start = i
				break
			}
		}
		for i := start; i < len(p.lines); i++ {
			if i > start && isMethodHeader(p.lines[i]) {
				break
			}
			if g := offsetLine.FindStringSubmatch(p.lines[i]); g != nil && g[1] == target {
				p.scroll = max(0, i-3)
				m.status = fmt.Sprintf("offset %d, line %d", off, i+1)
				return
			}
		}
		m.status = fmt.Sprintf("no instruction at offset %d in this method", off)
		return
	}
	for i, l := range p.lines {
		if !isMethodHeader(l) {
			continue
		}
		decl := strings.TrimSpace(strings.TrimLeft(l, "+-~ "))
		name := decl[:strings.Index(decl, "(")]
		if k := strings.LastIndexAny(name, " ."); k >= 0 {
			name = name[k+1:]
		}
		if strings.HasPrefix(name, target) {
			p.scroll = i
			m.status = fmt.Sprintf("%s, line %d", decl, i+1)
			return
		}
	}
	m.status = fmt.Sprintf("no method %s in this listing", target)
}

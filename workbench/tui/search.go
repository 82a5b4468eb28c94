package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// answer acts on what was typed at the prompt.
func (m *Model) answer() {
	what, in := m.prompt, strings.TrimSpace(m.input)
	m.prompt, m.input = "", ""
	if in == "" {
		return
	}
	switch what {
	case "find":
		m.search = in
		m.findFrom(m.scroll, 1)
	case "go to":
		m.goTo(in)
	}
}

// findNext moves to the next (dir 1) or previous (dir -1) line with the
// last search in it.
func (m *Model) findNext(dir int) {
	if m.search == "" {
		m.status = "nothing to find yet: f finds"
		return
	}
	m.findFrom(m.scroll+dir, dir)
}

// findFrom searches the listing from line i on, case-insensitively,
// wrapping around at either end.
func (m *Model) findFrom(i, dir int) {
	n := len(m.lines)
	if n == 0 {
		return
	}
	want := strings.ToLower(m.search)
	matches := 0
	for _, l := range m.lines {
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
		if strings.Contains(strings.ToLower(m.lines[j]), want) {
			m.scroll = j
			nth := 0
			for _, l := range m.lines[:j+1] {
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
	if off, err := strconv.Atoi(target); err == nil {
		start := 0
		for i := min(m.scroll, len(m.lines)-1); i >= 0; i-- {
			if isMethodHeader(m.lines[i]) {
				start = i
				break
			}
		}
		for i := start; i < len(m.lines); i++ {
			if i > start && isMethodHeader(m.lines[i]) {
				break
			}
			if g := offsetLine.FindStringSubmatch(m.lines[i]); g != nil && g[1] == target {
				m.scroll = max(0, i-3)
				m.status = fmt.Sprintf("offset %d, line %d", off, i+1)
				return
			}
		}
		m.status = fmt.Sprintf("no instruction at offset %d in this method", off)
		return
	}
	for i, l := range m.lines {
		if !isMethodHeader(l) {
			continue
		}
		decl := strings.TrimSpace(strings.TrimLeft(l, "+-~ "))
		name := decl[:strings.Index(decl, "(")]
		if k := strings.LastIndexAny(name, " ."); k >= 0 {
			name = name[k+1:]
		}
		if strings.HasPrefix(name, target) {
			m.scroll = i
			m.status = fmt.Sprintf("%s, line %d", decl, i+1)
			return
		}
	}
	m.status = fmt.Sprintf("no method %s in this listing", target)
}

package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dvmlab/core/classfile"
)

// classTree is the left pane's child model: the classes by package, the
// filter typed over them and the cursor.
type classTree struct {
	names   []string // all classes, internal names
	shown   []int    // indices into names passing the filter
	cursor  int
	top     int // first visible row of the class list
	filter  string
	editing bool // typing a filter
}

// applyFilter keeps the classes whose binary name holds the filter,
// ignoring case.
func (t *classTree) applyFilter() {
	t.shown = t.shown[:0]
	f := strings.ToLower(t.filter)
	for i, n := range t.names {
		if f == "" || strings.Contains(strings.ToLower(classfile.BinaryName(n)), f) {
			t.shown = append(t.shown, i)
		}
	}
	if t.cursor >= len(t.shown) {
		t.cursor = max(0, len(t.shown)-1)
	}
}

// selected is the class under the cursor, "" when none passes the filter.
func (t *classTree) selected() string {
	if len(t.shown) == 0 {
		return ""
	}
	return t.names[t.shown[t.cursor]]
}

// move moves the cursor up (-1) or down (1), saying whether it moved.
func (t *classTree) move(d int) bool {
	if c := t.cursor + d; c >= 0 && c < len(t.shown) {
		t.cursor = c
		return true
	}
	return false
}

// editFilter takes a key typed into the filter; enter or esc ends it.
func (t *classTree) editFilter(msg tea.KeyMsg) {
	switch msg.Type {
	case tea.KeyEnter, tea.KeyEsc:
		t.editing = false
	case tea.KeyBackspace:
		if t.filter != "" {
			t.filter = t.filter[:len(t.filter)-1]
		}
	case tea.KeyRunes:
		t.filter += string(msg.Runes)
	}
	t.cursor, t.top = 0, 0
	t.applyFilter()
}

// view is the rows on screen, h of them at most, each cut to w columns.
// Only they are drawn, so the whole JDK's 26,500 names cost nothing per
// frame; the cursor is kept in view.
func (t *classTree) view(h, w int) []string {
	if t.cursor < t.top {
		t.top = t.cursor
	}
	if t.cursor >= t.top+h {
		t.top = t.cursor - h + 1
	}
	var rows []string
	for r := t.top; r < len(t.shown) && r < t.top+h; r++ {
		n := truncate(t.listName(r), w)
		if r == t.cursor {
			n = selectedStyle.Render(n)
		}
		rows = append(rows, n)
	}
	return rows
}

// listName is row r of the class list, drawn as a tree by package: a class
// in the package of the row above it is indented under it by its simple
// name, so the long package names of the JDK do not crowd out the class
// names; the first row on screen names its package in full.
func (t *classTree) listName(r int) string {
	name := t.names[t.shown[r]]
	pkg := name[:strings.LastIndex(name, "/")+1]
	if r > t.top && pkg != "" {
		prev := t.names[t.shown[r-1]]
		if prev[:strings.LastIndex(prev, "/")+1] == pkg {
			return "  " + classfile.BinaryName(name[len(pkg):])
		}
	}
	return classfile.BinaryName(name)
}

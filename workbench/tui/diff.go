package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dvmlab/workbench/listing"
)

// diffModel is the right pane's child model for what a pipeline stage
// changed in a class: listing.DiffClasses' member-by-member diff, aligned
// by instruction, with the constant pool's additions and changed
// StackMapTables (JVMS §4.7.4) listed apart.
type diffModel struct {
	pager
	prev, cur []byte
}

// DiffKeyMap is the diff's keys: the pager's, and from change to change.
type DiffKeyMap struct {
	PagerKeyMap
	NextChange, PrevChange key.Binding
}

// DiffKeys are the diff's default bindings.
var DiffKeys = DiffKeyMap{
	PagerKeyMap: PagerKeys,
	NextChange:  key.NewBinding(key.WithKeys("}"), key.WithHelp("}", "next change")),
	PrevChange:  key.NewBinding(key.WithKeys("{"), key.WithHelp("{", "previous change")),
}

// ShortHelp is the diff's keys in the footer.
func (k DiffKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.NextChange, k.PrevChange} }

// FullHelp is the diff's keys under ?.
func (k DiffKeyMap) FullHelp() [][]key.Binding {
	return append(k.PagerKeyMap.FullHelp(), []key.Binding{k.NextChange, k.PrevChange})
}

// show diffs two versions of a class and brings the first change into
// view, with a little context above it.
func (d *diffModel) show(prev, cur []byte) {
	d.prev, d.cur = prev, cur
	lines, err := listing.DiffClasses(prev, cur, "")
	if err != nil {
		lines = []string{"error: " + err.Error()}
	}
	d.set(lines)
	if c := d.changes(); len(c) > 0 {
		d.scroll = max(0, c[0]-3)
	}
}

// changed says whether a diff line is a change: added, removed, or moved
// (a branch target or exception range that moved, marked ~).
func changed(l string) bool { return l != "" && l[0] != ' ' }

// changes is the first line of each run of changed lines.
func (d *diffModel) changes() []int {
	var c []int
	for i, l := range d.lines {
		if changed(l) && (i == 0 || !changed(d.lines[i-1])) {
			c = append(c, i)
		}
	}
	return c
}

// jumpChange brings the next (dir 1) or previous (dir -1) run of changes
// into view, three lines below the top as show does.
func (d *diffModel) jumpChange(dir int) {
	c := d.changes()
	if len(c) == 0 {
		d.note = "no changes in this diff"
		return
	}
	// Each run is shown three lines below the top, as show does; the
	// next is the first that would scroll further down than now, the
	// previous the last that would scroll less far.
	pick := -1
	for k, i := range c {
		top := max(0, i-3)
		if dir > 0 && top > d.scroll {
			pick = k
			break
		}
		if dir < 0 && top < d.scroll {
			pick = k
		}
	}
	if pick < 0 {
		d.note = fmt.Sprintf("no change %s this one (%d in all)", map[int]string{1: "after", -1: "before"}[dir], len(c))
		return
	}
	d.scroll = max(0, c[pick]-3)
	d.note = fmt.Sprintf("change %d of %d, line %d", pick+1, len(c), c[pick]+1)
}

// Update takes the diff's keys, saying whether the key was one of them.
func (d *diffModel) Update(msg tea.Msg) bool {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, DiffKeys.NextChange):
			d.jumpChange(1)
			return true
		case key.Matches(k, DiffKeys.PrevChange):
			d.jumpChange(-1)
			return true
		}
	}
	return d.pager.Update(msg)
}

// View is the diff's lines on screen, h of them cut to w columns, the
// added, removed and moved ones styled.
func (d *diffModel) View(h, w int) string {
	rows := d.view(h, w)
	for i, l := range rows {
		rows[i] = styleDiffLine(l)
	}
	return strings.Join(rows, "\n")
}

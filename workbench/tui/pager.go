package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// pager is the lines of a right-pane view and how far down they are
// scrolled. The listing and the diff are child models built on it; the
// other views (runs, plots, traces, native code, …) are a pager alone.
type pager struct {
	lines  []string
	scroll int
	// height is the pane's height, which a page scrolls by; the root model
	// sets it at layout.
	height int
	// note is what the last key did, for the root model to put on the
	// status line; "" when it has nothing to say.
	note string
}

// PagerKeyMap is what every right-pane view answers to: scrolling, and
// moving from method to method.
type PagerKeyMap struct {
	PageUp, PageDown, NextMethod, PrevMethod key.Binding
}

// PagerKeys are the default bindings of every right-pane view.
var PagerKeys = PagerKeyMap{
	PageUp:     key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "scroll code up")),
	PageDown:   key.NewBinding(key.WithKeys("pgdown", " "), key.WithHelp("pgdn/space", "scroll code down")),
	NextMethod: key.NewBinding(key.WithKeys("n", "tab"), key.WithHelp("n/tab", "next method")),
	PrevMethod: key.NewBinding(key.WithKeys("p", "shift+tab"), key.WithHelp("p", "previous method")),
}

// ShortHelp is the pager's keys in the footer.
func (k PagerKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.NextMethod} }

// FullHelp is the pager's keys under ?.
func (k PagerKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.PageUp, k.PageDown, k.NextMethod, k.PrevMethod}}
}

// set replaces the lines, scrolled to the top.
func (p *pager) set(lines []string) {
	p.lines, p.scroll = lines, 0
}

// Update takes the pager's keys, saying whether the key was one of them.
func (p *pager) Update(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return false
	}
	switch {
	case key.Matches(k, PagerKeys.PageDown):
		p.page(max(1, p.height))
	case key.Matches(k, PagerKeys.PageUp):
		p.page(-max(1, p.height))
	case key.Matches(k, PagerKeys.NextMethod):
		p.jumpMethod(1)
	case key.Matches(k, PagerKeys.PrevMethod):
		p.jumpMethod(-1)
	default:
		return false
	}
	return true
}

// page scrolls by n lines, down when n > 0, staying within the lines.
func (p *pager) page(n int) {
	p.scroll = max(0, min(p.scroll+n, len(p.lines)-1))
}

// jumpMethod scrolls to the next (dir 1) or previous (dir -1) method
// declaration.
func (p *pager) jumpMethod(dir int) {
	for i := p.scroll + dir; i >= 0 && i < len(p.lines); i += dir {
		if isMethodHeader(p.lines[i]) {
			p.scroll = i
			return
		}
	}
}

// view is the h lines on screen, each cut to w columns.
func (p *pager) view(h, w int) []string {
	var rows []string
	for r := p.scroll; r < len(p.lines) && r < p.scroll+h; r++ {
		rows = append(rows, truncate(p.lines[r], w))
	}
	return rows
}

// View is the pane's lines on screen, h of them cut to w columns; in the
// views other than the listing, lines marked as a diff marks them (a REPL
// command's diff, say) are styled as the diff's are.
func (p *pager) View(h, w int) string {
	rows := p.view(h, w)
	for i, l := range rows {
		rows[i] = styleDiffLine(l)
	}
	return strings.Join(rows, "\n")
}

// styleDiffLine colours a diff's added, removed and moved lines.
func styleDiffLine(l string) string {
	switch {
	case strings.HasPrefix(l, "+"):
		return addStyle.Render(l)
	case strings.HasPrefix(l, "-"):
		return delStyle.Render(l)
	case strings.HasPrefix(l, "~"):
		return movedStyle.Render(l)
	}
	return l
}

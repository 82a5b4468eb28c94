package tui

import "strings"

// pager is the right pane's child model: the lines of the view on screen
// and how far down they are scrolled.
type pager struct {
	lines  []string
	scroll int
}

// page scrolls by n lines, down when n > 0, staying within the lines.
func (p *pager) page(n int) {
	p.scroll = max(0, min(p.scroll+n, len(p.lines)-1))
}

// jumpMethod scrolls to the next (dir 1) or previous (dir -1) method
// declaration in the right pane.
func (p *pager) jumpMethod(dir int) {
	for i := p.scroll + dir; i >= 0 && i < len(p.lines); i += dir {
		if isMethodHeader(p.lines[i]) {
			p.scroll = i
			return
		}
	}
}

// view is the h lines on screen, each cut to w columns, a diff's added,
// removed and moved lines styled.
func (p *pager) view(h, w int) []string {
	var rows []string
	for r := p.scroll; r < len(p.lines) && r < p.scroll+h; r++ {
		l := truncate(p.lines[r], w)
		switch {
		case strings.HasPrefix(l, "+"):
			l = addStyle.Render(l)
		case strings.HasPrefix(l, "-"):
			l = delStyle.Render(l)
		case strings.HasPrefix(l, "~"):
			l = movedStyle.Render(l)
		}
		rows = append(rows, l)
	}
	return rows
}

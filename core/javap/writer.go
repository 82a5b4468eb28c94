package javap

import (
	"bufio"
	"strings"
)

// javap's column arithmetic, from its BasicWriter: every indentation level
// is two spaces, and a "tab" pads to column 40 past the current indentation
// (or one space when the text is already there). Matching the listing
// column for column depends on reproducing exactly this model rather than
// on fixed widths, since the same statement is printed at different depths
// by -c and -v.
const (
	indentWidth = 2
	tabColumn   = 40
)

// lineWriter buffers one output line the way javap's LineBuffer does:
// spaces are held back until something visible follows, so no line ends in
// blanks; indentation is added when the first visible character arrives;
// and a blank line can be left pending until more output makes it needed.
type lineWriter struct {
	w       *bufio.Writer
	line    strings.Builder
	col     int // width of line in UTF-16 units, which is what javap's tab counts
	spaces  int // spaces not yet written
	indent  int
	pending bool // a blank line is owed before the next output
}

func (o *lineWriter) print(s string) {
	if o.pending {
		o.pending = false
		o.newline()
	}
	for _, r := range s {
		switch r {
		case ' ':
			o.spaces++
		case '\n':
			o.newline()
		default:
			if o.line.Len() == 0 {
				o.spaces += o.indent * indentWidth
			}
			for ; o.spaces > 0; o.spaces-- {
				o.line.WriteByte(' ')
				o.col++
			}
			o.line.WriteRune(r)
			o.col++
			if r > 0xFFFF {
				o.col++
			}
		}
	}
}

func (o *lineWriter) println(s string) {
	o.print(s)
	o.newline()
}

func (o *lineWriter) newline() {
	o.spaces = 0
	o.w.WriteString(o.line.String())
	o.w.WriteByte('\n')
	o.line.Reset()
	o.col = 0
}

// tab pads to the comment column of the current indentation level.
func (o *lineWriter) tab() {
	c := o.indent*indentWidth + tabColumn
	if c <= o.col {
		o.spaces++
	} else {
		o.spaces += c - o.col
	}
}

func (o *lineWriter) in(delta int) { o.indent += delta }

// flush ends an unfinished line; javap never leaves one, so this only
// guards against a path that forgot its newline.
func (o *lineWriter) flush() {
	if o.line.Len() > 0 {
		o.newline()
	}
}

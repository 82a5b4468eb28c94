package notebook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Session is the REPL session a notebook's commands run in (workbench/repl
// provides it; this package does not import the REPL, which sits above the
// command line that runs notebooks).
type Session interface {
	// Check says whether line names a command the session knows, without
	// running it.
	Check(line string) error
	// Exec runs one command line.
	Exec(line string) error
	Close()
}

// NewSession starts a session writing everything it prints to out.
type NewSession func(out io.Writer) Session

// Sessions is the REPL's session constructor, set by workbench/repl.
var Sessions NewSession

// Options say how to run a notebook.
type Options struct {
	Full    bool       // run dvmlab full blocks too
	Update  bool       // compute the updated notebook
	Session NewSession // nil: Sessions
	// Progress, if set, hears of each block as it starts.
	Progress io.Writer
}

// Result is what running a notebook found.
type Result struct {
	Path    string
	Ran     int      // blocks run
	Skipped int      // dvmlab full blocks not run
	Diffs   []string // one unified diff per block that differs, with a header
	// Updated is the notebook with its outputs and figures as they are now
	// (only with Options.Update); Changed tells whether it differs.
	Updated []byte
	Changed bool
	// figures are the figures the blocks wrote, with absolute paths.
	figures []figure
}

// Failed reports whether some block's output differs.
func (r *Result) Failed() bool { return len(r.Diffs) > 0 }

// Validate checks that every command of the notebook names a command the
// session knows, and every (re) pattern compiles, before anything runs.
func (nb *Notebook) Validate(s Session) error {
	for _, b := range nb.Blocks {
		for _, c := range b.Commands {
			if err := s.Check(c.Text); err != nil {
				return &Error{nb.Path, c.Line, err.Error()}
			}
		}
		if b.Output != nil {
			for i, l := range b.Output.Lines {
				if err := checkPattern(l); err != nil {
					return &Error{nb.Path, b.Output.Line + 1 + i, err.Error()}
				}
			}
		}
	}
	return nil
}

// chdir serialises runs: each runs in its notebook's directory, and the
// working directory belongs to the whole process.
var chdir sync.Mutex

// Run runs a notebook's dvmlab blocks in one session, in the notebook's
// directory, and compares what each prints with its output block.
func Run(nb *Notebook, opt Options) (*Result, error) {
	newSession := opt.Session
	if newSession == nil {
		newSession = Sessions
	}
	if newSession == nil {
		return nil, errors.New("notebook: no REPL session available")
	}
	chdir.Lock()
	defer chdir.Unlock()
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	dir := wd
	if d := filepath.Dir(nb.Path); d != "." {
		if err := os.Chdir(d); err != nil {
			return nil, err
		}
		defer os.Chdir(wd)
		if dir, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	s := newSession(&buf)
	defer s.Close()
	if err := nb.Validate(s); err != nil {
		return nil, err
	}
	res := &Result{Path: nb.Path}
	var edits []edit
	stem := strings.TrimSuffix(filepath.Base(nb.Path), filepath.Ext(nb.Path))
	for _, b := range nb.Blocks {
		if b.Full && !opt.Full {
			res.Skipped++
			continue
		}
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "%s:%d: %d commands\n", nb.Path, b.Line, len(b.Commands))
		}
		buf.Reset()
		for _, c := range b.Commands {
			if err := s.Exec(c.Text); err != nil {
				fmt.Fprintf(&buf, "error: %v\n", err)
			}
		}
		res.Ran++
		actual := splitLines(buf.String())
		var expected []string
		first := b.Line
		if b.Output != nil {
			expected, first = b.Output.Lines, b.Output.Line+1
		}
		ops := align(expected, actual)
		differs := b.Output == nil && len(actual) > 0
		for _, o := range ops {
			if o.kind != ' ' {
				differs = true
			}
		}
		if differs {
			where := fmt.Sprintf("output block at line %d", b.Output.lineOr(b.Line))
			if b.Output == nil {
				where = "no output block (expected nothing)"
			}
			res.Diffs = append(res.Diffs, fmt.Sprintf("--- %s:%d: %s\n+++ what the dvmlab block at line %d printed\n%s",
				nb.Path, first, where, b.Line, unified(ops, expected, actual, first)))
		}
		figs := figuresIn(actual, stem)
		for _, f := range figs {
			src := f.src
			if !filepath.IsAbs(src) {
				src = filepath.Join(dir, src)
			}
			res.figures = append(res.figures, figure{src: src, link: filepath.Join(dir, f.link)})
		}
		if d := nb.checkFigures(b, figs); d != "" {
			res.Diffs = append(res.Diffs, d)
		}
		if opt.Update {
			e, err := nb.updateBlock(b, updated(ops, expected, actual), figs, differs)
			if err != nil {
				return nil, err
			}
			edits = append(edits, e...)
		}
	}
	if opt.Update {
		res.Updated = apply(nb.Src, edits)
		res.Changed = !bytes.Equal(res.Updated, nb.Src)
	}
	return res, nil
}

func (o *Output) lineOr(def int) int {
	if o == nil {
		return def
	}
	return o.Line
}

// splitLines splits output into lines, without the newline at the end.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// figure is a PNG a block wrote: where it is and where --update keeps it.
type figure struct{ src, link string }

// figuresIn finds the figures a block wrote: lines of its output that
// name a PNG file which exists (plot prints each file it draws).
func figuresIn(lines []string, stem string) []figure {
	var out []figure
	seen := map[string]bool{}
	for _, l := range lines {
		p := strings.TrimSpace(l)
		if !strings.HasSuffix(p, ".png") || strings.ContainsAny(p, " \t") || seen[p] {
			continue
		}
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			continue
		}
		seen[p] = true
		out = append(out, figure{src: p, link: figureDir + stem + "-" + filepath.Base(p)})
	}
	return out
}

// checkFigures compares the figure links after a block's output with the
// figures it wrote, and checks the linked files exist.
func (nb *Notebook) checkFigures(b *Block, figs []figure) string {
	var have []string
	line := b.Line
	if b.Figures != nil {
		have, line = b.Figures.Links, b.Figures.Line
	}
	var want []string
	for _, f := range figs {
		want = append(want, f.link)
	}
	var msgs []string
	if strings.Join(have, "\n") != strings.Join(want, "\n") {
		msgs = append(msgs, fmt.Sprintf("figures linked %v, written %v (--update links them)", have, want))
	}
	for _, l := range have {
		if _, err := os.Stat(l); err != nil {
			msgs = append(msgs, fmt.Sprintf("figure %s is linked but missing (--update copies it)", l))
		}
	}
	if len(msgs) == 0 {
		return ""
	}
	return fmt.Sprintf("--- %s:%d: figures of the dvmlab block at line %d\n%s\n", nb.Path, line, b.Line, strings.Join(msgs, "\n"))
}

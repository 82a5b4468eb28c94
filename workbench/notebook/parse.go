// Package notebook runs and checks dvmlab notebooks: Markdown documents
// whose fenced blocks are REPL commands and what they print.
//
// A notebook is CommonMark. Prose is anything; three kinds of fenced block
// are the notebook's:
//
//	```dvmlab         REPL commands, one a line (blank lines and # comments skipped)
//	```dvmlab full    the same, run only with --full (a study that takes long)
//	```output         what the dvmlab block before it printed, stdout and stderr
//
// All dvmlab blocks of a notebook run in order in one REPL session, with
// the notebook's directory as the working directory, so relative paths mean
// what they mean to a reader of the file. Each output block is compared with
// what its commands printed, line by line and exactly, except for lines
// that end in a pattern marker (as in cram):
//
//	LINE (re)         LINE is a Go regular expression matching the whole line
//	LINE (glob)       LINE is a glob: * any run of characters, ? one, \ quotes
//
// so timings, temporary paths and hashes can vary. A command that fails
// prints "error: …" as the REPL does, and that line is compared too.
//
// A line of output naming a PNG file that exists is a figure: with
// --update the file is copied to figures/NOTEBOOK-NAME.png beside the
// notebook and linked as an image in a paragraph right after the output
// block. That paragraph (images into figures/ only) belongs to --update,
// which rewrites it; a check compares its links and that their files exist.
//
// --update rewrites the output blocks (and figure paragraphs) in place and
// nothing else: prose, dvmlab blocks and pattern lines that still match stay
// byte for byte. A dvmlab block without an output block gets one.
package notebook

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Notebook is a parsed notebook.
type Notebook struct {
	Path   string
	Src    []byte
	Blocks []*Block // the dvmlab blocks, in order
	lines  []int    // byte offset of each line's start
}

// Block is a dvmlab block and the output block that follows it.
type Block struct {
	Line     int       // the opening fence's line, from 1
	Full     bool      // runs only with --full
	Commands []Command // non-blank, non-comment lines
	end      int       // offset just past the closing fence line

	Output  *Output // nil: no output block yet
	Figures *Figures
}

// Command is one line of a dvmlab block.
type Command struct {
	Line int
	Text string
}

// Output is an output block: its expected lines and where they are.
type Output struct {
	Line       int // the opening fence's line
	Lines      []string
	start, end int    // the content's byte range (closing fence excluded)
	indent     string // what to put before each line written back
	after      int    // offset just past the closing fence line
}

// Figures is the paragraph of figure links after an output block.
type Figures struct {
	Line       int
	Links      []string // image destinations, as written
	start, end int      // the paragraph's lines
}

// figureDir is where --update keeps a notebook's figures, beside it.
const figureDir = "figures/"

// ParseFile reads and parses the notebook at path.
func ParseFile(path string) (*Notebook, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// fenceParser is goldmark's fenced-code-block parser, noting on each block
// whether and where its closing fence came: CommonMark lets an unclosed
// fence run to the end of the document, which in a notebook is a mistake.
type fenceParser struct{ parser.BlockParser }

func (f fenceParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	_, seg := reader.PeekLine()
	st := f.BlockParser.Continue(node, reader, pc)
	if st == parser.Close {
		node.SetAttributeString("dvmlab-closed", seg.Start)
	}
	return st
}

func newParser() parser.Parser {
	var bps []util.PrioritizedValue
	for _, v := range parser.DefaultBlockParsers() {
		if v.Value == parser.NewFencedCodeBlockParser() {
			v.Value = fenceParser{parser.NewFencedCodeBlockParser()}
		}
		bps = append(bps, v)
	}
	return parser.NewParser(parser.WithBlockParsers(bps...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...))
}

// Error is a mistake in a notebook's format, at a line.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg) }

// Parse reads a notebook from src; path names it in errors.
func Parse(path string, src []byte) (*Notebook, error) {
	nb := &Notebook{Path: path, Src: src, lines: []int{0}}
	for i, c := range src {
		if c == '\n' {
			nb.lines = append(nb.lines, i+1)
		}
	}
	doc := newParser().Parse(text.NewReader(src))
	var fences []*ast.FencedCodeBlock
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if f, ok := n.(*ast.FencedCodeBlock); ok && entering {
			fences = append(fences, f)
		}
		return ast.WalkContinue, nil
	})
	var last *Block // the dvmlab block still waiting for its output
	for _, f := range fences {
		line := nb.line(f.Pos())
		lang, opts := nb.info(f)
		closing, closed := f.AttributeString("dvmlab-closed")
		if !closed {
			return nil, &Error{path, line, fmt.Sprintf("the fence opened here (%s) is never closed", nb.fenceText(f))}
		}
		closeAt := closing.(int)
		end := nb.lineEnd(closeAt)
		switch lang {
		case "dvmlab":
			b := &Block{Line: line, end: end}
			for _, o := range opts {
				if o != "full" {
					return nil, &Error{path, line, fmt.Sprintf("unknown option %q on a dvmlab fence (the one option is full)", o)}
				}
				b.Full = true
			}
			for i := 0; i < f.Lines().Len(); i++ {
				seg := f.Lines().At(i)
				cmd := strings.TrimSpace(string(seg.Value(src)))
				if cmd == "" || strings.HasPrefix(cmd, "#") {
					continue
				}
				b.Commands = append(b.Commands, Command{Line: nb.line(seg.Start), Text: cmd})
			}
			nb.Blocks = append(nb.Blocks, b)
			last = b
		case "output":
			if len(opts) > 0 {
				return nil, &Error{path, line, fmt.Sprintf("unknown option %q on an output fence (it takes none)", opts[0])}
			}
			if last == nil {
				return nil, &Error{path, line, "an output block with no dvmlab block of commands before it"}
			}
			o, err := nb.output(f, line, closeAt, end)
			if err != nil {
				return nil, err
			}
			last.Output = o
			last.Figures = nb.figures(f)
			last = nil
		}
	}
	return nb, nil
}

// info splits a fence's info string into its language and options.
func (nb *Notebook) info(f *ast.FencedCodeBlock) (string, []string) {
	if f.Info == nil {
		return "", nil
	}
	words := strings.Fields(string(f.Info.Segment.Value(nb.Src)))
	if len(words) == 0 {
		return "", nil
	}
	return words[0], words[1:]
}

func (nb *Notebook) fenceText(f *ast.FencedCodeBlock) string {
	l := nb.line(f.Pos())
	return strings.TrimSpace(string(nb.Src[nb.lines[l-1]:nb.lineEnd(f.Pos())]))
}

// line is the line number, from 1, of byte offset off.
func (nb *Notebook) line(off int) int {
	return sort.Search(len(nb.lines), func(i int) bool { return nb.lines[i] > off })
}

// lineEnd is the offset just past the newline ending the line at off.
func (nb *Notebook) lineEnd(off int) int {
	off = min(off, len(nb.Src))
	if i := bytes.IndexByte(nb.Src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(nb.Src)
}

func (nb *Notebook) output(f *ast.FencedCodeBlock, line, closeAt, after int) (*Output, error) {
	o := &Output{Line: line, after: after}
	open := nb.lines[line-1]
	prefix := nb.Src[open:f.Pos()]
	if bytes.ContainsAny(prefix, ">") {
		return nil, &Error{nb.Path, line, "an output block inside a block quote cannot be updated; put it outside"}
	}
	o.indent = strings.Map(func(r rune) rune {
		if r == '\t' {
			return r
		}
		return ' '
	}, string(prefix))
	o.start = nb.lineEnd(f.Pos())
	// The content ends where the closing fence's line starts.
	o.end = nb.lines[nb.line(closeAt)-1]
	for i := 0; i < f.Lines().Len(); i++ {
		seg := f.Lines().At(i)
		v := seg.Value(nb.Src)
		o.Lines = append(o.Lines, strings.TrimSuffix(strings.TrimSuffix(string(v), "\n"), "\r"))
	}
	return o, nil
}

// figures finds the paragraph of figure links right after an output block.
func (nb *Notebook) figures(f *ast.FencedCodeBlock) *Figures {
	p, ok := f.NextSibling().(*ast.Paragraph)
	if !ok || p.Lines().Len() == 0 {
		return nil
	}
	var links []string
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		switch n := c.(type) {
		case *ast.Image:
			d := string(n.Destination)
			if !strings.HasPrefix(d, figureDir) {
				return nil
			}
			links = append(links, d)
		case *ast.Text:
			if len(bytes.TrimSpace(n.Segment.Value(nb.Src))) > 0 {
				return nil
			}
		default:
			return nil
		}
	}
	if len(links) == 0 {
		return nil
	}
	first, last := p.Lines().At(0), p.Lines().At(p.Lines().Len()-1)
	start := nb.lines[nb.line(first.Start)-1]
	return &Figures{Line: nb.line(first.Start), Links: links, start: start, end: nb.lineEnd(last.Stop - 1)}
}

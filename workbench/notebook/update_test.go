package notebook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// echo is a session for tests: "say TEXT" prints TEXT, "draw NAME" writes
// NAME.png and prints its path, "fail" fails; nothing else is a command.
type echo struct {
	out io.Writer
	ran []string
}

func (e *echo) Check(line string) error {
	switch strings.Fields(line)[0] {
	case "say", "draw", "fail":
		return nil
	}
	return fmt.Errorf("unknown command %q", strings.Fields(line)[0])
}

func (e *echo) Exec(line string) error {
	e.ran = append(e.ran, line)
	cmd, arg, _ := strings.Cut(line, " ")
	switch cmd {
	case "say":
		fmt.Fprintln(e.out, arg)
	case "draw":
		os.MkdirAll("out", 0o755)
		p := filepath.Join("out", arg+".png")
		if err := os.WriteFile(p, []byte("png of "+arg), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(e.out, p)
	case "fail":
		return errors.New("it failed")
	}
	return nil
}

func (e *echo) Close() {}

func runEcho(t *testing.T, text string, opt Options) (*Result, string, *echo) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "nb.md")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	nb, err := ParseFile(p)
	if err != nil {
		t.Fatal(err)
	}
	e := &echo{}
	opt.Session = func(out io.Writer) Session { e.out = out; return e }
	res, err := Run(nb, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res, dir, e
}

// TestUpdate: --update rewrites outputs and nothing else; a block with no
// output block gets one; patterns that still match stay; the updated
// notebook then passes.
func TestUpdate(t *testing.T) {
	text := "# Title\n\nProse *with* `code`.\n\n```dvmlab\nsay hello\n# a comment\n\nsay took 5ms\n```\n\nMore prose.\n\n" +
		"```output\nhullo\ntook * (glob)\n```\n\n- a list item\n\n  ```dvmlab\n  say indented\n  ```\n\n  ```output\n  ```\n\n" +
		"```dvmlab\nsay new\nfail\n```\nText right after.\n\n```dvmlab\n```\n\n```output\nstale\n```\n"
	res, _, e := runEcho(t, text, Options{Update: true})
	if len(res.Diffs) != 4 {
		t.Fatalf("%d diffs:\n%s", len(res.Diffs), strings.Join(res.Diffs, "\n"))
	}
	if strings.Join(e.ran, "|") != "say hello|say took 5ms|say indented|say new|fail" {
		t.Fatalf("ran %q", e.ran)
	}
	want := "# Title\n\nProse *with* `code`.\n\n```dvmlab\nsay hello\n# a comment\n\nsay took 5ms\n```\n\nMore prose.\n\n" +
		"```output\nhello\ntook * (glob)\n```\n\n- a list item\n\n  ```dvmlab\n  say indented\n  ```\n\n  ```output\n  indented\n  ```\n\n" +
		"```dvmlab\nsay new\nfail\n```\n\n```output\nnew\nerror: it failed\n```\nText right after.\n\n```dvmlab\n```\n\n```output\n```\n"
	if string(res.Updated) != want {
		t.Fatalf("updated:\n%s\nwant:\n%s", res.Updated, want)
	}
	again, _, _ := runEcho(t, want, Options{Update: true})
	if len(again.Diffs) != 0 || again.Changed {
		t.Fatalf("the updated notebook differs again:\n%s", strings.Join(again.Diffs, "\n"))
	}
}

// TestFigures: a PNG a block prints is linked after its output block by
// --update and copied beside the notebook; a check wants the link and the
// file; a block that stops drawing loses its paragraph.
func TestFigures(t *testing.T) {
	text := "```dvmlab\ndraw fig1\nsay done\n```\n\n```output\n```\nProse.\n"
	res, dir, _ := runEcho(t, text, Options{Update: true})
	if _, err := os.Stat(filepath.Join(dir, "figures")); err == nil {
		t.Fatal("a run copied figures before CopyFigures")
	}
	if err := res.CopyFigures(); err != nil {
		t.Fatal(err)
	}
	want := "```dvmlab\ndraw fig1\nsay done\n```\n\n```output\nout/fig1.png\ndone\n```\n![fig1](figures/nb-fig1.png)\n\nProse.\n"
	if string(res.Updated) != want {
		t.Fatalf("updated:\n%s\nwant:\n%s", res.Updated, want)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "figures", "nb-fig1.png")); err != nil || string(b) != "png of fig1" {
		t.Fatalf("figure not copied: %q %v", b, err)
	}
	res, dir, _ = runEcho(t, want, Options{})
	if len(res.Diffs) != 1 || !strings.Contains(res.Diffs[0], "figure figures/nb-fig1.png is linked but missing") {
		t.Fatalf("a missing figure file: %q", res.Diffs)
	}
	// Figures the block no longer draws go; the prose stays.
	gone := strings.Replace(want, "draw fig1\n", "", 1)
	res, _, _ = runEcho(t, gone, Options{Update: true})
	if string(res.Updated) != "```dvmlab\nsay done\n```\n\n```output\ndone\n```\nProse.\n" {
		t.Fatalf("updated:\n%s", res.Updated)
	}
	_ = dir
}

// TestFigureAtAnAbsolutePath: a figure written outside the notebook's
// directory is copied beside it all the same.
func TestFigureAtAnAbsolutePath(t *testing.T) {
	png := filepath.Join(t.TempDir(), "elsewhere.png")
	if err := os.WriteFile(png, []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, dir, _ := runEcho(t, "```dvmlab\nsay "+png+"\n```\n", Options{Update: true})
	if err := res.CopyFigures(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(res.Updated), "```\n![elsewhere](figures/nb-elsewhere.png)\n") {
		t.Fatalf("updated:\n%s", res.Updated)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "figures", "nb-elsewhere.png")); err != nil || string(b) != "png" {
		t.Fatalf("copied: %q %v", b, err)
	}
}

// TestFullBlocks: a dvmlab full block runs only with Full.
func TestFullBlocks(t *testing.T) {
	text := "```dvmlab\nsay quick\n```\n```output\nquick\n```\n```dvmlab full\nsay slow\n```\n```output\nslow\n```\n"
	res, _, e := runEcho(t, text, Options{})
	if res.Ran != 1 || res.Skipped != 1 || len(res.Diffs) != 0 || len(e.ran) != 1 {
		t.Fatalf("quick: ran %d, skipped %d, %q", res.Ran, res.Skipped, res.Diffs)
	}
	res, _, e = runEcho(t, text, Options{Full: true})
	if res.Ran != 2 || res.Skipped != 0 || len(res.Diffs) != 0 || len(e.ran) != 2 {
		t.Fatalf("full: ran %d, skipped %d, %q", res.Ran, res.Skipped, res.Diffs)
	}
}

// FuzzParse: no input makes the parser panic, and what it accepts has its
// lines and ranges inside the file; updating every output with what it
// already holds changes no byte.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"```dvmlab\nload x\n```\n```output\nloaded\n```\n",
		"```dvmlab\n", "```output\n```\n", "~~~dvmlab full\na\n~~~\n\n~~~~output\n~~~\n",
		"- ```dvmlab\n  a\n  ```\n- ```output\n  b\n  ```\n![x](figures/a.png)\n",
		"> ```dvmlab\n> a\n> ```\n", "```dvmlab\r\na\r\n```\r\n```output\r\nb\r\n```\r\n",
		"\t```dvmlab\n\ta\n\t```\n", "```dvmlab\n```\n```output\n```",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		nb, err := Parse("f.md", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Line > bytes.Count(src, []byte("\n"))+1 {
				t.Fatalf("error %v names no line of the file", err)
			}
			return
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		var edits []edit
		for _, b := range nb.Blocks {
			for _, c := range b.Commands {
				if c.Line < 1 || c.Line > lines {
					t.Fatalf("command %q at line %d of %d", c.Text, c.Line, lines)
				}
			}
			if o := b.Output; o != nil {
				if o.start > o.end || o.end > len(src) || o.Line < 1 || o.Line > lines {
					t.Fatalf("output block at line %d: bytes %d..%d of %d", o.Line, o.start, o.end, len(src))
				}
				if o.indent == "" && !bytes.Contains(src[o.start:o.end], []byte("\r")) && !bytes.Contains(src[o.start:o.end], []byte("\t")) {
					text := ""
					for _, l := range o.Lines {
						text += l + "\n"
					}
					edits = append(edits, edit{o.start, o.end, text})
				}
			}
		}
		if len(edits) > 0 {
			out := apply(src, edits)
			if !bytes.Equal(out, src) && bytes.HasSuffix(src, []byte("\n")) {
				t.Fatalf("rewriting outputs with their own lines changed the file:\n%q\n%q", src, out)
			}
		}
	})
}

package notebook

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// apply makes the edits, which do not overlap, on a copy of src.
func apply(src []byte, edits []edit) []byte {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b bytes.Buffer
	at := 0
	for _, e := range edits {
		b.Write(src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.Write(src[at:])
	return b.Bytes()
}

// updateBlock gives the edits that make block b's output block read lines
// and its figure paragraph link figs (Result.CopyFigures puts the files
// there). Only the output's content and the figure paragraph change.
func (nb *Notebook) updateBlock(b *Block, lines []string, figs []figure, differs bool) ([]edit, error) {
	for i, l := range lines {
		if t := strings.TrimLeft(l, " "); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			return nil, &Error{nb.Path, b.Line, fmt.Sprintf("line %d of the output looks like a fence (%q); an output block cannot hold it", i+1, l)}
		}
	}
	var edits []edit
	indent := ""
	after := b.end // where a new output block or figure paragraph goes
	if b.Output != nil {
		indent, after = b.Output.indent, b.Output.after
	}
	body := func(lines []string) string {
		var s strings.Builder
		for _, l := range lines {
			if l == "" {
				s.WriteString("\n")
			} else {
				s.WriteString(indent + l + "\n")
			}
		}
		return s.String()
	}
	switch {
	case b.Output != nil && differs:
		edits = append(edits, edit{b.Output.start, b.Output.end, body(lines)})
	case b.Output == nil && len(lines) > 0:
		edits = append(edits, edit{after, after, "\n```output\n" + body(lines) + "```\n"})
	}
	var links strings.Builder
	for _, f := range figs {
		name := strings.TrimSuffix(filepath.Base(f.src), ".png")
		fmt.Fprintf(&links, "%s![%s](%s)\n", indent, name, f.link)
	}
	switch {
	case b.Figures != nil && strings.Join(b.Figures.Links, "\n") == linkList(figs):
		// as they were
	case b.Figures != nil:
		end := b.Figures.end
		if links.Len() == 0 && end < len(nb.Src) && nb.Src[end] == '\n' {
			end++ // the blank line that set the paragraph apart
		}
		edits = append(edits, edit{b.Figures.start, end, links.String()})
	case links.Len() > 0:
		text := links.String()
		if after < len(nb.Src) && nb.Src[after] != '\n' {
			text += "\n"
		}
		edits = append(edits, edit{after, after, text})
	}
	return edits, nil
}

func linkList(figs []figure) string {
	var l []string
	for _, f := range figs {
		l = append(l, f.link)
	}
	return strings.Join(l, "\n")
}

// CopyFigures copies the figures the run found to where the updated
// notebook links them, beside the notebook.
func (r *Result) CopyFigures() error {
	for _, f := range r.figures {
		if err := copyFile(f.src, f.link); err != nil {
			return fmt.Errorf("%s: figure %s: %v", r.Path, f.src, err)
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dst), ".figure-*")
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return err
	}
	if err := out.Chmod(0o644); err != nil {
		out.Close()
		os.Remove(out.Name())
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(out.Name())
		return err
	}
	return os.Rename(out.Name(), dst)
}

package profile

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// Root names the caller of a thread's first method in every export.
const Root = "(root)"

// Edge is a caller->callee edge of the dynamic call graph: methods named
// pkg/Class.name(DESC), Caller "" for a thread's root.
type Edge struct {
	Caller, Callee string
	Count          int64
}

// Stack is a calling context: the methods from a thread's root (first) to
// the method entered (last), and how often that method was entered there.
type Stack struct {
	Frames []string
	Count  int64
}

// Formats are the export formats, by name.
var Formats = []string{"csv", "pprof", "dot", "folded"}

// Write exports a profile in the named format: folded from its calling
// contexts (stacks), every other format from its edges.
func Write(w io.Writer, format string, edges []Edge, stacks []Stack) error {
	switch format {
	case "folded":
		return WriteFolded(w, stacks)
	case "csv":
		return WriteCSV(w, edges)
	case "pprof":
		return WritePprof(w, edges)
	case "dot":
		return WriteDOT(w, edges)
	}
	return fmt.Errorf("unknown format %q (known: %s)", format, strings.Join(Formats, ", "))
}

func caller(e Edge) string {
	if e.Caller == "" {
		return Root
	}
	return e.Caller
}

// WriteCSV writes caller,callee,count with a header line.
func WriteCSV(w io.Writer, edges []Edge) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"caller", "callee", "count"})
	for _, e := range edges {
		cw.Write([]string{caller(e), e.Callee, strconv.FormatInt(e.Count, 10)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteFolded writes whole stacks in the folded format of flame-graph
// tools (flamegraph.pl, inferno, speedscope): one calling context a line,
// "root;...;leaf count", the count being the leaf's entries there, which
// is its self weight in the flame graph.
//
// Frames are separated by ';', which a JVM name never holds (JVMS §4.2)
// but a descriptor does, ending each class type (JVMS §4.3). Frames keep
// their descriptors with '%' written %25 and ';' written %3B, as in URLs:
// the tools take any other byte, and FoldedFrame's inverse, UnfoldFrame,
// gives the method back.
func WriteFolded(w io.Writer, stacks []Stack) error {
	var sb strings.Builder
	for _, s := range stacks {
		sb.Reset()
		for i, f := range s.Frames {
			if i > 0 {
				sb.WriteByte(';')
			}
			sb.WriteString(FoldedFrame(f))
		}
		if _, err := fmt.Fprintf(w, "%s %d\n", sb.String(), s.Count); err != nil {
			return err
		}
	}
	return nil
}

var (
	frameEscaper   = strings.NewReplacer("%", "%25", ";", "%3B")
	frameUnescaper = strings.NewReplacer("%25", "%", "%3B", ";")
)

// FoldedFrame is a method as a frame of a folded stack: '%' written %25,
// ';' written %3B.
func FoldedFrame(method string) string { return frameEscaper.Replace(method) }

// UnfoldFrame is the method a folded stack's frame names.
func UnfoldFrame(frame string) string { return frameUnescaper.Replace(frame) }

// WriteDOT writes the call graph for Graphviz, edges labelled with counts.
func WriteDOT(w io.Writer, edges []Edge) error {
	var sb strings.Builder
	sb.WriteString("digraph calls {\n  node [shape=box, fontname=monospace];\n")
	for _, e := range edges {
		fmt.Fprintf(&sb, "  %s -> %s [label=%q];\n", strconv.Quote(caller(e)), strconv.Quote(e.Callee), strconv.FormatInt(e.Count, 10))
	}
	sb.WriteString("}\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

// Profile builds a pprof profile of the edges: one sample per edge whose
// stack is callee over caller, valued by the count, so `go tool pprof -top`
// gives each method's calls as flat and, as cum, those of the methods it
// called.
func Profile(edges []Edge) *profile.Profile {
	p := &profile.Profile{SampleType: []*profile.ValueType{{Type: "calls", Unit: "count"}}}
	locs := map[string]*profile.Location{}
	loc := func(name string) *profile.Location {
		if l := locs[name]; l != nil {
			return l
		}
		// No SystemName: pprof demangles a function whose SystemName is its
		// Name, which would cut a JVM descriptor down as if it were C++.
		f := &profile.Function{ID: uint64(len(p.Function) + 1), Name: name}
		if cls, _, ok := strings.Cut(name, "."); ok {
			f.Filename = cls
		}
		p.Function = append(p.Function, f)
		l := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: f}}}
		p.Location = append(p.Location, l)
		locs[name] = l
		return l
	}
	sorted := append([]Edge(nil), edges...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Caller != sorted[j].Caller {
			return sorted[i].Caller < sorted[j].Caller
		}
		return sorted[i].Callee < sorted[j].Callee
	})
	for _, e := range sorted {
		stack := []*profile.Location{loc(e.Callee)}
		if e.Caller != "" {
			stack = append(stack, loc(e.Caller))
		}
		p.Sample = append(p.Sample, &profile.Sample{Location: stack, Value: []int64{e.Count}})
	}
	return p
}

// WritePprof writes the edges as a gzipped pprof profile (profile.proto).
func WritePprof(w io.Writer, edges []Edge) error {
	p := Profile(edges)
	if err := p.CheckValid(); err != nil {
		return err
	}
	return p.Write(w)
}

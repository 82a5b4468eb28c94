package profile

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

var edges = []Edge{
	{"", "a/Main.main([Ljava/lang/String;)V", 1},
	{"a/Main.main([Ljava/lang/String;)V", "a/B.f(I)I", 3},
	{"a/B.f(I)I", "a/B.f(I)I", 2},
}

var stacks = []Stack{
	{[]string{"a/Main.main([Ljava/lang/String;)V"}, 1},
	{[]string{"a/Main.main([Ljava/lang/String;)V", "a/B.f(I)I"}, 3},
	{[]string{"a/Main.main([Ljava/lang/String;)V", "a/B.f(I)I", "a/B.f(I)I"}, 2},
	{[]string{"a/B.f(I)I", "a/B.%x(La/P%;)V"}, 1},
}

// TestFoldedFramesRoundTrip: a frame never holds ';', and unfolds to its
// method.
func TestFoldedFramesRoundTrip(t *testing.T) {
	for _, s := range stacks {
		for _, m := range s.Frames {
			f := FoldedFrame(m)
			if strings.ContainsAny(f, "; ") || UnfoldFrame(f) != m {
				t.Errorf("%q: frame %q, back %q", m, f, UnfoldFrame(f))
			}
		}
	}
}

// TestPprofKeepsDescriptors: names reach pprof whole (no SystemName for it
// to demangle), one sample per edge, callee first.
func TestPprofKeepsDescriptors(t *testing.T) {
	var buf bytes.Buffer
	if err := WritePprof(&buf, edges); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sample) != 3 || len(p.Function) != 2 {
		t.Fatalf("%d samples, %d functions", len(p.Sample), len(p.Function))
	}
	for _, f := range p.Function {
		if f.SystemName != "" || !strings.Contains(f.Name, "(") {
			t.Errorf("function %+v", f)
		}
	}
	for _, s := range p.Sample {
		callee := s.Location[0].Line[0].Function.Name
		if callee == "a/Main.main([Ljava/lang/String;)V" && (len(s.Location) != 1 || s.Value[0] != 1) {
			t.Errorf("root sample %v", s)
		}
	}
}

func TestFormats(t *testing.T) {
	want := map[string]string{
		"csv": "caller,callee,count\n(root),a/Main.main([Ljava/lang/String;)V,1\na/Main.main([Ljava/lang/String;)V,a/B.f(I)I,3\na/B.f(I)I,a/B.f(I)I,2\n",
		"folded": "a/Main.main([Ljava/lang/String%3B)V 1\na/Main.main([Ljava/lang/String%3B)V;a/B.f(I)I 3\n" +
			"a/Main.main([Ljava/lang/String%3B)V;a/B.f(I)I;a/B.f(I)I 2\na/B.f(I)I;a/B.%25x(La/P%25%3B)V 1\n",
		"dot": "digraph calls {\n  node [shape=box, fontname=monospace];\n  \"(root)\" -> \"a/Main.main([Ljava/lang/String;)V\" [label=\"1\"];\n" +
			"  \"a/Main.main([Ljava/lang/String;)V\" -> \"a/B.f(I)I\" [label=\"3\"];\n  \"a/B.f(I)I\" -> \"a/B.f(I)I\" [label=\"2\"];\n}\n",
	}
	for f, w := range want {
		var buf bytes.Buffer
		if err := Write(&buf, f, edges, stacks); err != nil || buf.String() != w {
			t.Errorf("%s: %v\n%s", f, err, buf.String())
		}
	}
	if err := Write(&bytes.Buffer{}, "svg", edges, stacks); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("svg: %v", err)
	}
}

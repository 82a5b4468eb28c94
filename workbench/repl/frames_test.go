package repl

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// TestFramesDepthIsJavacs: the deepest stack frames shows in a method,
// counted in slots, is the max_stack javac computed for it, in every method
// of the lab's class and of JLex and CUP; and no state has more locals than
// max_locals.
func TestFramesDepthIsJavacs(t *testing.T) {
	inputs := []string{"../../notebooks/lab/Lab.class", "/usr/share/java/JLex.jar", "/usr/share/java/cup.jar"}
	methods := 0
	for _, in := range inputs {
		src, err := classpath.Open(in)
		if err != nil {
			if os.IsNotExist(err) || strings.Contains(err.Error(), "no such file") {
				t.Logf("skipping %s: %v", in, err)
				continue
			}
			t.Fatal(err)
		}
		jdk, err := classpath.OpenJDK("")
		if err != nil {
			t.Skip(err)
		}
		h := classpath.NewHierarchy(src, jdk)
		names, err := src.Names()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			data, err := src.Find(n)
			if err != nil {
				t.Fatal(err)
			}
			c, err := classfile.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range c.Methods {
				code := m.Code()
				if code == nil {
					continue
				}
				states, err := bytecode.States(c, m, h)
				if err != nil {
					t.Fatalf("%s.%s: %v", n, c.MemberName(m), err)
				}
				deepest := 0
				for _, s := range states {
					deepest = max(deepest, len(s.Stack))
					if len(s.Locals) > int(code.MaxLocals) {
						t.Errorf("%s.%s@%d: %d locals, max_locals %d", n, c.MemberName(m), s.Offset, len(s.Locals), code.MaxLocals)
					}
				}
				if deepest != int(code.MaxStack) {
					t.Errorf("%s.%s%s: deepest stack %d slots, javac's max_stack %d", n, c.MemberName(m), c.MemberDesc(m), deepest, code.MaxStack)
				}
				methods++
			}
		}
		src.Close()
		jdk.Close()
	}
	if methods == 0 {
		t.Fatal("no method checked")
	}
	t.Logf("%d methods", methods)
}

// TestFramesCommand: the REPL command prints one row per instruction, with
// javap's text for it, and names what it cannot find.
func TestFramesCommand(t *testing.T) {
	var out bytes.Buffer
	s := NewSession(&out, &out)
	defer s.Close()
	for _, l := range []string{"load ../../notebooks/lab/Lab.class", "frames Lab.square"} {
		if err := s.Exec(l); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
	want := `loaded 1 classes from class ../../notebooks/lab/Lab.class
static long square(long);  max_stack 4, max_locals 2
  pc  locals       stack         instruction
   0  [long, top]  []            lload_0
   1  [long, top]  [long]        lload_0
   2  [long, top]  [long, long]  lmul
   3  [long, top]  [long]        lreturn
`
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
	for line, msg := range map[string]string{
		"frames Lab.nothing": "Lab has no method nothing",
		"frames Nope.f":      "no loaded class Nope.f",
		"frames":             "usage: frames CLASS[.METHOD]",
	} {
		if err := s.Exec(line); err == nil || err.Error() != msg {
			t.Errorf("%s: %v, want %q", line, err, msg)
		}
	}
}

package native

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/native/ir"
)

// javac compiles testdata/NAME.java into a temporary directory and parses
// the class.
func javac(t *testing.T, name string) *classfile.Class {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("javac", "--release", "17", "-d", dir, filepath.Join("testdata", name+".java"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("javac: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, name+".class"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTranslateKernels(t *testing.T) {
	c := javac(t, "Kernels")
	got := map[string]*ir.Func{}
	for _, m := range c.Methods {
		name := c.MemberName(m)
		f, err := Translate(c, m)
		if err != nil {
			if name != "<init>" && name != "<clinit>" {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if err := Optimize(f, nil); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got[name] = f
	}
	// fold: 42 << (33 & 31) == 84, with no arithmetic left.
	if s := got["fold"].String(); !strings.Contains(s, "return v") || strings.Contains(s, "mul") || !strings.Contains(s, "const:int 84") {
		t.Errorf("fold not folded:\n%s", s)
	}
	if s := got["div"].String(); !strings.Contains(s, "divzerocheck") {
		t.Errorf("div has no check:\n%s", s)
	}
	// A counted loop over a.length: the null check and length move out of
	// the loop, the bounds check goes.
	if s := got["sum"].String(); !strings.Contains(s, "phi") || strings.Contains(s, "boundscheck") || strings.Count(s, "nullcheck") != 1 {
		t.Errorf("sum keeps its checks:\n%s", s)
	}
	// Adler's index starts at a parameter: its bounds check must stay.
	if s := got["adler"].String(); !strings.Contains(s, "boundscheck") {
		t.Errorf("adler lost its bounds check:\n%s", s)
	}
}

// TestInline copies sum into twice: no call is left, and the array twice
// makes needs neither a null check nor a stored length.
func TestInline(t *testing.T) {
	c := javac(t, "Kernels")
	m := c.Method("twice", "(I)I")
	f, err := Translate(c, m)
	if err != nil {
		t.Fatal(err)
	}
	callees := func(caller *ir.Func, s *ir.Sym) *ir.Func {
		g, err := Translate(c, c.Method(s.Name, s.Desc))
		if err != nil || Optimize(g, nil) != nil {
			return nil
		}
		return g
	}
	if err := OptimizeWith(f, nil, callees); err != nil {
		t.Fatal(err)
	}
	if s := f.String(); strings.Contains(s, "call") || strings.Contains(s, "nullcheck") || strings.Contains(s, "arraylen") {
		t.Errorf("twice after inlining:\n%s", s)
	}
}

// TestAsmErrorNamesTheMethod: the assembler's complaint about a line comes
// back naming the method the line belongs to, the line and its text.
func TestAsmErrorNamesTheMethod(t *testing.T) {
	j := JoinAsm("\t.text\n", []Part{
		{Class: "a/B", Method: "good", Desc: "()V", Asm: "good:\n\tret\n"},
		{Class: "a/B", Method: "bad", Desc: "(I)I", Asm: "bad:\n\tnop\n\tfrobnicate %rax\n\tret\n"},
	})
	stderr := "/tmp/x/code.s:6: Error: no such instruction: `frobnicate %rax'\n"
	e := ParseAsError("as", stderr, j.Text, j)
	if e.Class != "a/B" || e.Method != "bad" || e.Line != 6 || !strings.Contains(e.Text, "frobnicate") {
		t.Fatalf("got %+v", e)
	}
	if msg := e.Error(); !strings.Contains(msg, "a/B.bad(I)I") || !strings.Contains(msg, "line 6") || !strings.Contains(msg, "no such instruction") {
		t.Errorf("message %q", msg)
	}
}

// TestHoistFieldReads: a static final table is read once, at the entry,
// however often the loop reads it; a field the method writes is read
// where the bytecode reads it.
func TestHoistFieldReads(t *testing.T) {
	c := javac(t, "Kernels")
	for _, k := range []struct {
		name, desc string
		inEntry    bool
	}{{"tsum", "(I)I", true}, {"bumps", "(I)I", false}} {
		f, err := Translate(c, c.Method(k.name, k.desc))
		if err != nil {
			t.Fatal(err)
		}
		if err := Optimize(f, nil); err != nil {
			t.Fatal(err)
		}
		reads, entry := 0, 0
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op == ir.OpGetStatic {
					reads++
					if b == f.Blocks[0] {
						entry++
					}
				}
			}
		}
		// bumps writes counter, which PromoteFields then reads once at the
		// entry as well, and the stores are deferred.
		if k.inEntry && (reads != 1 || entry != 1) || !k.inEntry && (reads != 1 || entry != 1 || !allDeferred(f)) {
			t.Errorf("%s: %d static reads, %d at the entry:\n%s", k.name, reads, entry, f)
		}
	}
}

func allDeferred(f *ir.Func) bool {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if (v.Op == ir.OpPutStatic || v.Op == ir.OpPutField) && v.AuxInt != Deferred {
				return false
			}
		}
	}
	return true
}

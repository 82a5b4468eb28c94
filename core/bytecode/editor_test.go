package bytecode_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/internal/jvmtest"
)

const farSource = `
public class Far {
    static int work(int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) { s += i; } else { s -= 1; }
            switch (i & 3) { case 0: s ^= 5; break; case 1: s += 7; break; default: s--; }
        }
        try { if (n > 5) throw new IllegalStateException("x" + n); } catch (IllegalStateException e) { s += e.getMessage().length(); }
        return s;
    }
    public static void main(String[] a) {
        for (int n = 0; n < 12; n++) System.out.println(n + " " + work(n));
    }
}
`

func jdkHierarchy(t *testing.T) bytecode.Hierarchy {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { jdk.Close() })
	return classpath.NewHierarchy(jdk)
}

// TestFarBranches pads every basic block of a real method with enough code
// that its branches and switch targets lie beyond ±32 KiB, so goto becomes
// goto_w and conditional branches become an inverted branch over a goto_w,
// and checks that HotSpot verifies the result and it prints what it printed.
func TestFarBranches(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Far.java": farSource})
	want := jvmtest.MustJava(t, "-Xverify:all", "-cp", dir, "Far").Stdout

	path := filepath.Join(dir, "Far.class")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	m := c.Method("work", "(I)I")
	ed, err := bytecode.NewEditor(c, m)
	if err != nil {
		t.Fatal(err)
	}
	starts, err := bytecode.BlockStarts(m.Code(), ed.Original)
	if err != nil {
		t.Fatal(err)
	}
	// iinc 1 0 is a 3-byte no-op on local s; 11,500 of them are 34.5 KB.
	pad := make([]*bytecode.Insn, 11500)
	for i := range pad {
		pad[i] = &bytecode.Insn{Op: bytecode.Iinc, Index: 1, Const: 0}
	}
	// Pad a block inside the loop, so the loop's exit test and its back
	// edge both jump across it.
	if err := ed.InsertBefore(starts[2], pad...); err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Commit(bytecode.NewFrameComputer(c, jdkHierarchy(t))); err != nil {
		t.Fatal(err)
	}
	insns, err := bytecode.Decode(m.Code().Code)
	if err != nil {
		t.Fatal(err)
	}
	wide := 0
	for _, in := range insns {
		if in.Op == bytecode.GotoW {
			wide++
		}
	}
	if wide == 0 {
		t.Fatalf("no goto_w in %d bytes of code", len(m.Code().Code))
	}
	t.Logf("work(I)I: %d bytes, %d goto_w", len(m.Code().Code), wide)
	out, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	got := jvmtest.MustJava(t, "-Xverify:all", "-Xshare:off", "-cp", dir, "Far").Stdout
	if got != want {
		t.Fatalf("output differs:\n got %q\nwant %q", got, want)
	}
}

// TestCodeTooLarge checks that growing code past 65,535 bytes is refused with
// an error naming the method.
func TestCodeTooLarge(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"Far.java": farSource})
	data, err := os.ReadFile(filepath.Join(dir, "Far.class"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := classfile.Parse(data)
	m := c.Method("work", "(I)I")
	ed, _ := bytecode.NewEditor(c, m)
	pad := make([]*bytecode.Insn, 30000)
	for i := range pad {
		pad[i] = &bytecode.Insn{Op: bytecode.Iinc, Index: 1, Const: 0}
	}
	ed.InsertBefore(0, pad...)
	_, err = ed.Commit(bytecode.NewFrameComputer(c, jdkHierarchy(t)))
	if err == nil {
		t.Fatal("90 KB of code accepted")
	}
	t.Log(err)
	if want := "Far.work(I)I"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "65535") {
		t.Fatalf("error %q does not name %s and the limit", err, want)
	}
}

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/internal/jvmtest"
)

// TestVerifyCommand: a directory with one good and one broken class gives
// one line for the broken one, exit status 1, and the summary on stderr.
func TestVerifyCommand(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{
		"Good.java": `public class Good { static int f(int x) { return x + 1; } }`,
		"Bad.java":  `public class Bad { static int f(int x) { return x + 1; } }`,
	})
	f := filepath.Join(dir, "Bad.class")
	data, _ := os.ReadFile(f)
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Methods {
		if c.MemberName(m) == "f" {
			code := m.Code().Code
			insns, _ := bytecode.Decode(code)
			code[insns[0].Offset] = byte(bytecode.Aload0) // iload_0 -> aload_0
		}
	}
	bad, _ := c.Write()
	os.WriteFile(f, bad, 0o644)
	var out, errOut bytes.Buffer
	code := Run(&Env{Stdout: &out, Stderr: &errOut}, []string{"verify", "--stats", "--deferred", dir})
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "Bad f(I)I 0 ") {
		t.Fatalf("stdout: %q", out.String())
	}
	for _, w := range []string{"verify: 2 classes, 1 rejected", "Good", "static"} {
		if !strings.Contains(errOut.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut.String())
		}
	}
	out.Reset()
	os.Remove(f)
	if code := Run(&Env{Stdout: &out, Stderr: &errOut}, []string{"verify", dir}); code != 0 || out.Len() != 0 {
		t.Fatalf("good classes: exit %d, stdout %q", code, out.String())
	}
	if code := Run(&Env{Stdout: &out, Stderr: &errOut}, []string{"verify", "/no/such.jar"}); code == 0 {
		t.Fatal("a missing file verified")
	}
}

package repl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/policy"
)

// TestNativeAndGuards: native shows the current method's assembler text
// for amd64 and alpha, or why a method stays bytecode; guards lists the
// checks the example policy puts in JLex.CLexGen (its FileReader), as
// policy sites does.
func TestNativeAndGuards(t *testing.T) {
	if _, err := os.Stat("/usr/share/java/JLex.jar"); err != nil {
		t.Skip("jlex not installed")
	}
	pol := filepath.Join(t.TempDir(), "policy.xml")
	if err := os.WriteFile(pol, []byte(policy.Example), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	s := NewSession(&out, &errb)
	defer s.Close()
	for _, c := range []struct{ line, want, not string }{
		{"asm", "", ""}, // no current class yet: an error
		{"load /usr/share/java/JLex.jar", "loaded 26 classes", ""},
		{"show JLex.SparseBitSet.size", "size()", ""},
		{"asm", "Java_JLex_SparseBitSet_size__:", "isValid"},
		{"asm --arch alpha", ".end Java_JLex_SparseBitSet_size__", "isValid"},
		{"asm JLex.SparseBitSet.clone", "stays bytecode: exception handlers", ""},
		{"asm --arch vax", "", ""},
		{"guards " + pol + " JLex.CLexGen", "1595: invokespecial java/io/FileReader.<init>:(Ljava/lang/String;)V  <- file.open on file:arg0", ""},
		{"guards " + filepath.Join(t.TempDir(), "missing.xml") + " JLex.CLexGen", "", ""},
	} {
		out.Reset()
		err := s.Exec(c.line)
		if c.want == "" {
			if err == nil {
				t.Errorf("%s: no error; printed\n%s", c.line, out.String())
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.line, err)
		}
		if !strings.Contains(out.String(), c.want) || c.not != "" && strings.Contains(out.String(), c.not) {
			t.Errorf("%s: want %q and not %q in\n%s", c.line, c.want, c.not, out.String())
		}
	}
}

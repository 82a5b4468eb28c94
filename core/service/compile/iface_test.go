package compile

import (
	"strings"
	"testing"
)

// TestInterfaceNotInitialized runs testdata/InterfaceInit.java as bytecode
// and compiled, under -Xverify:all and -Xcheck:jni: the compiled
// invokeinterface must not run the interface's static initializer, which
// prints, so the outputs are the same line for line.
func TestInterfaceNotInitialized(t *testing.T) {
	dir := compileJava(t, "InterfaceInit")
	want := runJava(t, dir, "InterfaceInit")
	out, _, reps := compileDir(t, dir)
	for _, r := range reps {
		for _, s := range r.Skipped {
			if strings.Contains(s, ".areaPlus(") {
				t.Fatalf("areaPlus stays bytecode: %s", s)
			}
		}
	}
	got := runJava(t, out, "InterfaceInit", "-Xverify:all", "-Xcheck:jni")
	if got != want {
		t.Errorf("want\n%s\ngot\n%s", want, got)
	}
}

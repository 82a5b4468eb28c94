package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCompileExecObjects: the --exec generator's arrays of arrays and enum
// arguments on amd64, against HotSpot: the methods of the Alpha runtime's
// object test class (core/native/exec/testdata/objects), compiled by the
// compile service and run in a JVM with JNI checked.
func TestCompileExecObjects(t *testing.T) {
	if testing.Short() {
		t.Skip("the runs against HotSpot are long")
	}
	dir := t.TempDir()
	src, err := filepath.Abs(filepath.Join("..", "..", "core", "native", "exec", "testdata", "objects", "Objects.java"))
	if err != nil {
		t.Fatal(err)
	}
	runTool(t, dir, jdkTool(t, "javac"), "--release", "17", "-d", "classes", src)
	classes := filepath.Join(dir, "classes")
	for _, m := range []string{"sum([[D)D", "swapScale([[DLt/Mode;)V", "code(Lt/Mode;)I", "total([[[I)J", "norms([[D[D)V"} {
		code, stdout, stderr := runCompileCLI("compile", "--arch", "amd64", "--exec", "t.Objects."+m, "--seed", "3", "--count", "200", classes)
		if code != 0 || !strings.Contains(stdout, "200 inputs: 200 agree, 0 differ") {
			t.Errorf("%s: exit %d\n%s%s", m, code, stdout, stderr)
		}
	}
}

// TestCompileExecTimeout: a side not done in --timeout stops with an error
// that names the limit, not a hang (jzlib's Tree.bi_reverse loops as often
// as its argument says: 1,000 inputs take HotSpot more than two minutes).
func TestCompileExecTimeout(t *testing.T) {
	dir := t.TempDir()
	src, err := filepath.Abs(filepath.Join("..", "..", "core", "native", "exec", "testdata", "objects", "Objects.java"))
	if err != nil {
		t.Fatal(err)
	}
	runTool(t, dir, jdkTool(t, "javac"), "--release", "17", "-d", "classes", src)
	code, stdout, stderr := runCompileCLI("compile", "--arch", "alpha", "--exec", "t.Objects.sum([[D)D", "--count", "10", "--timeout", "1ms", filepath.Join(dir, "classes"))
	if code == 0 || !strings.Contains(stderr, "not done in 1ms (--timeout)") {
		t.Errorf("exit %d\n%s%s; want a failure naming the limit", code, stdout, stderr)
	}
}

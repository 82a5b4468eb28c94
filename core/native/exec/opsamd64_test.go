package exec

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpsOnAMD64 runs every method of testdata/Ops.java the amd64 compiler
// makes native (one per construct, and the regressions found so far) on
// seeded inputs in a JVM over the rewritten class, all in one JVM a side,
// against HotSpot on javac's class.
func TestOpsOnAMD64(t *testing.T) {
	if _, err := exec.LookPath("ld"); err != nil {
		t.Skip("no ld: the compile service links with binutils")
	}
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/Ops.java")
	a, err := PrepareAMD64(dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	count := 100
	var ms []*Method
	for _, spec := range a.Runnable {
		m, err := ParseMethod(spec)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	// The regressions must stay native, or this test would not test them.
	for _, name := range []string{"phiAfterBranch", "f2iSubnormal", "messages"} {
		if !strings.Contains(strings.Join(a.Runnable, " "), "t.Ops."+name+"(") {
			t.Errorf("t.Ops.%s is not native on amd64: %s", name, a.Skipped["t.Ops."+name])
		}
	}
	for i, r := range sweepClass(context.Background(), a, ms, count) {
		switch {
		case r.err != nil:
			t.Errorf("%s: %v", ms[i], r.err)
		case r.r.Differ > 0:
			t.Errorf("%s: %s", ms[i], strings.TrimSpace(r.r.String()))
		}
	}
	t.Logf("%d methods of Ops native on amd64, %d inputs each", len(ms), count)
}

package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func runCompileCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Run(&Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e}, args)
	return code, o.String(), e.String()
}

// TestCompileUpcalls: `compile` declines a method with a JNI upcall in a
// loop and counts it on its last line; --upcalls keep compiles it; and
// `compile --exec` keeps it by default, so the differential run reaches it
// and agrees with HotSpot on 200 seeded inputs.
func TestCompileUpcalls(t *testing.T) {
	dir := t.TempDir()
	src, err := filepath.Abs(filepath.Join("..", "..", "core", "service", "compile", "testdata", "UpcallInLoop.java"))
	if err != nil {
		t.Fatal(err)
	}
	runTool(t, dir, jdkTool(t, "javac"), "--release", "17", "-d", "classes", src)
	classes := filepath.Join(dir, "classes")
	last := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		return lines[len(lines)-1]
	}

	code, _, stderr := runCompileCLI("compile", "--arch", "amd64", "--emit", "asm", classes, "-o", filepath.Join(dir, "d.s"))
	if code != 0 || !strings.Contains(stderr, "t.UpcallInLoop.spin(II)I stays bytecode: declined: calls java/lang/Integer.rotateLeft") ||
		!strings.HasPrefix(last(stderr), "compiled 1 of 3 methods") ||
		!strings.HasSuffix(last(stderr), "; 1 declined for cost (--upcalls keep compiles them)") {
		t.Errorf("compile (decline): exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCompileCLI("compile", "--arch", "amd64", "--upcalls", "keep", "--emit", "asm", classes, "-o", filepath.Join(dir, "k.s"))
	if code != 0 || strings.Contains(stderr, "spin(II)I stays bytecode") || !strings.HasPrefix(last(stderr), "compiled 2 of 3 methods") ||
		strings.Contains(stderr, "declined") {
		t.Errorf("compile --upcalls keep: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCompileCLI("compile", "--upcalls", "often", "--emit", "asm", classes)
	if code != 2 || !strings.Contains(stderr, `"often"`) {
		t.Errorf("compile --upcalls often: exit %d, want 2 and the value named\n%s", code, stderr)
	}

	if testing.Short() {
		t.Skip("the run against HotSpot is long")
	}
	code, stdout, stderr := runCompileCLI("compile", "--arch", "amd64", "--exec", "t.UpcallInLoop.spin(II)I", "--seed", "7", "--count", "200", classes)
	if code != 0 || !strings.Contains(stdout, "200 inputs: 200 agree, 0 differ") {
		t.Errorf("compile --exec (keep by default): exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCompileCLI("compile", "--arch", "amd64", "--upcalls", "decline", "--exec", "t.UpcallInLoop.spin(II)I", "--seed", "7", "--count", "5", classes)
	if code != 1 || !strings.Contains(stdout, "declined") {
		t.Errorf("compile --exec --upcalls decline: exit %d, want 1 and the method left as bytecode for its upcall\n%s", code, stdout)
	}
}

// TestCompileInlinedCallOfBytecode: a small static callee inlined into its
// caller keeps its calls of methods that stay bytecode as JNI upcalls, so
// the caller compiles (with --upcalls keep) and agrees with HotSpot. The
// direct call it used to leave made the caller stay bytecode.
func TestCompileInlinedCallOfBytecode(t *testing.T) {
	dir := t.TempDir()
	src, err := filepath.Abs(filepath.Join("testdata", "upcalls", "InlinedCallOfBytecode.java"))
	if err != nil {
		t.Fatal(err)
	}
	runTool(t, dir, jdkTool(t, "javac"), "--release", "17", "-d", "classes", src)
	classes := filepath.Join(dir, "classes")
	code, _, stderr := runCompileCLI("compile", "--upcalls", "keep", "--emit", "asm", classes, "-o", filepath.Join(dir, "k.s"))
	if code != 0 || strings.Contains(stderr, "outer(I)I stays bytecode") || !strings.Contains(stderr, "compiled 2 of 4 methods") {
		t.Errorf("compile --upcalls keep: exit %d\n%s", code, stderr)
	}
	if testing.Short() {
		t.Skip("the run against HotSpot is long")
	}
	code, stdout, stderr := runCompileCLI("compile", "--exec", "t.InlinedCallOfBytecode.outer(I)I", "--seed", "3", "--count", "200", classes)
	if code != 0 || !strings.Contains(stdout, "200 inputs: 200 agree, 0 differ") {
		t.Errorf("compile --exec: exit %d\n%s%s", code, stdout, stderr)
	}
}

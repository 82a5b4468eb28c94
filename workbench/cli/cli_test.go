package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Run(&Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e}, args)
	return code, o.String(), e.String()
}

func TestHelpAndErrors(t *testing.T) {
	if code, out, _ := run("help"); code != 0 || !strings.Contains(out, "javap") || !strings.Contains(out, "rewrite") {
		t.Fatalf("help: %d %q", code, out)
	}
	if code, out, _ := run("help", "rewrite"); code != 0 || !strings.Contains(out, "example:") {
		t.Fatalf("help rewrite: %d %q", code, out)
	}
	if code, _, errOut := run("frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
	if code, _, errOut := run("rewrite", "in.jar"); code != 2 || !strings.Contains(errOut, "(usage: dvmlab rewrite ") {
		t.Fatalf("rewrite without -o: %d %q", code, errOut)
	}
	if code, _, errOut := run("rewrite", "--services", "nosuch", "x.jar", "-o", "y.jar"); code != 2 || !strings.Contains(errOut, `unknown service "nosuch"`) {
		t.Fatalf("unknown service: %d %q", code, errOut)
	}
	if code, _, errOut := run("javap", "/no/such/file.jar"); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Fatalf("missing file: %d %q", code, errOut)
	}
}

func TestRewriteNoneIsIdentical(t *testing.T) {
	in := "/usr/share/java/cup.jar"
	if _, err := os.Stat(in); err != nil {
		t.Skip("cup not installed; run make deps")
	}
	out := filepath.Join(t.TempDir(), "cup.jar")
	code, _, errOut := run("rewrite", "--services", "none", in, "-o", out)
	if code != 0 || !strings.Contains(errOut, "56 unchanged, 0 failed") {
		t.Fatalf("rewrite: %d %q", code, errOut)
	}
	code, stdout, _ := run("javap", "-c", out, "java_cup.Main")
	if code != 0 || !strings.Contains(stdout, "public static void main(java.lang.String[])") {
		t.Fatalf("javap of the rewritten jar: %d %q", code, stdout[:min(len(stdout), 300)])
	}
}

func TestRewriteMalformedClass(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "Bad.class")
	os.WriteFile(bad, []byte{0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 61, 0, 5, 1}, 0o644)
	code, _, errOut := run("rewrite", bad, "-o", filepath.Join(dir, "out.class"))
	if code != 1 || !strings.Contains(errOut, "Bad.class") || !strings.Contains(errOut, "constant_pool_count 5 cannot fit") {
		t.Fatalf("malformed class: %d %q", code, errOut)
	}
}

func TestServeCommandErrors(t *testing.T) {
	if code, _, errOut := run("origin", "/no/such/dir"); code != 1 || !strings.Contains(errOut, "not a directory") {
		t.Fatalf("origin on a missing dir: %d %q", code, errOut)
	}
	if code, _, errOut := run("origin", t.TempDir(), "--link", "warp9"); code != 1 || !strings.Contains(errOut, "bad rate") {
		t.Fatalf("origin with a bad rate: %d %q", code, errOut)
	}
	if code, _, errOut := run("proxy", "--services", "nosuch"); code != 2 || !strings.Contains(errOut, "unknown service") {
		t.Fatalf("proxy with a bad service: %d %q", code, errOut)
	}
	if code, _, errOut := run("run", "http://x/app.zip", "Main"); code != 2 || !strings.Contains(errOut, "must end in .jar or /") {
		t.Fatalf("run with a bad URL: %d %q", code, errOut)
	}
}

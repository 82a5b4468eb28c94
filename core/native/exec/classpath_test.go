package exec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A class file given as IN reaches the JVM as the directory its package
// starts in (it once went on the class path as it was, and HotSpot's oracle
// could not find the class: ClassNotFoundException).
func TestClassFileAsClassPath(t *testing.T) {
	in := filepath.Join("..", "..", "..", "workbench", "cli", "testdata", "isolated-class-loader", "app", "host", "Host.class")
	root, err := classPathEntry(in)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs(filepath.Join("..", "..", "..", "workbench", "cli", "testdata", "isolated-class-loader", "app"))
	if root != want {
		t.Fatalf("class path of %s: %s, want %s", in, root, want)
	}
	// Away from its package's directories the class cannot be found: say so.
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(t.TempDir(), "Host.class")
	if err := os.WriteFile(moved, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := classPathEntry(moved); err == nil || !strings.Contains(err.Error(), "host/Host") {
		t.Fatalf("moved class file: %v, want an error naming host/Host", err)
	}
	if got, err := classPathEntry("lib.jar"); err != nil || got != "lib.jar" {
		t.Fatalf("a jar: %q, %v", got, err)
	}
}

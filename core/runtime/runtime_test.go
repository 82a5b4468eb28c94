package runtime

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmbeddedClassesAreCurrent recompiles the Java sources and checks the
// committed classes are what they give, so a source edit without
// `go generate` is caught.
func TestEmbeddedClassesAreCurrent(t *testing.T) {
	javac, err := exec.LookPath("javac")
	if err != nil {
		t.Skip("no javac")
	}
	out := t.TempDir()
	var srcs []string
	filepath.Walk("java", func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".java") {
			srcs = append(srcs, p)
		}
		return err
	})
	cmd := exec.Command(javac, append([]string{"-nowarn", "--release", "8", "-Xlint:-options", "-d", out}, srcs...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, b)
	}
	classes := Classes()
	if len(classes) == 0 {
		t.Fatal("no embedded classes")
	}
	for name, data := range classes {
		fresh, err := os.ReadFile(filepath.Join(out, name+".class"))
		if err != nil {
			t.Fatalf("%s: embedded but not compiled from java/: %v", name, err)
		}
		if !bytes.Equal(fresh, data) {
			t.Errorf("%s: embedded class is stale; run go generate ./core/runtime", name)
		}
	}
}

func TestWriteJar(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteJar(&a); err != nil {
		t.Fatal(err)
	}
	if err := WriteJar(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("jar differs between runs")
	}
	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range zr.File {
		found = found || f.Name == Coverage+".class"
	}
	if !found {
		t.Fatalf("%s.class not in the jar", Coverage)
	}
	if !IsRuntimeClass(Coverage) || IsRuntimeClass("java/lang/Object") {
		t.Fatal("IsRuntimeClass")
	}
}

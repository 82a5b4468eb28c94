package verify

import (
	"archive/zip"
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/classpath"
)

// readVerdicts reads a .hotspot file: one line per class file, its name and
// HotSpot's verdict (OK, or the exception and its message).
func readVerdicts(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, v, _ := strings.Cut(line, " ")
		out[name] = v
	}
	return out
}

// agree checks that our verdict on data is HotSpot's: both accept, or both
// reject, and a ClassFormatError is a format rejection here.
func agree(t *testing.T, h *classpath.Hierarchy, name string, data []byte, hs string) {
	t.Helper()
	r := Verify(data, h)
	switch {
	case hs == "OK" && r.Err != nil:
		t.Errorf("%s: HotSpot accepts it, we reject it: %v", name, r.Err)
	case hs != "OK" && r.Err == nil:
		t.Errorf("%s: HotSpot says %s, we accept it", name, hs)
	case strings.Contains(hs, "ClassFormatError") && !strings.Contains(r.Err.Reason, "format") && !strings.Contains(r.Err.Reason, "StackMapTable"):
		t.Errorf("%s: HotSpot says %s, we reject it for another reason: %v", name, hs, r.Err)
	}
}

// TestFormatCases: the inputs of the stackmap-attribute-rules and
// class-name-format cases, against HotSpot's verdicts.
func TestFormatCases(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	h := classpath.NewHierarchy(jdk)
	for name, hs := range readVerdicts(t, "testdata/format-cases.hotspot") {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		agree(t, h, name, data, hs)
	}
}

// TestAttributeRulesMatrix: the classfile package's matrix of repeated and
// malformed attributes and StackMapTable shapes, in every version where the
// rules change, against HotSpot's verdicts (see classfile/hotspot_test.go).
func TestAttributeRulesMatrix(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	h := classpath.NewHierarchy(jdk)
	want := readVerdicts(t, "../classfile/testdata/attribute-rules.hotspot")
	zr, err := zip.OpenReader("../classfile/testdata/attribute-rules.jar")
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	n := 0
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		hs, ok := want[f.Name]
		if !ok {
			t.Fatalf("%s: no verdict", f.Name)
		}
		agree(t, h, f.Name, data, hs)
		n++
	}
	if n != len(want) {
		t.Errorf("%d classes in the jar, %d verdicts", n, len(want))
	}
}

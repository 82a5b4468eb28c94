package javap

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// javapFails matches the matrix classes the JDK's javap itself cannot list:
// a malformed Signature (in the class, a field, a method or a record
// component: a ClassCastException inside javap), Code or Exceptions ("Error:
// Unexpected or invalid value"), and Utf8 bytes it cannot decode (an IO
// error). The indices are those of hotspot_test.go's matrix.
var javapFails = regexp.MustCompile(`^V\d+(N(11|47|49|51|57|73|81)|U(4|5|8))\.class$`).MatchString

// TestAttributeRulesAgainstJDKJavap: classes with repeated, malformed and
// misplaced attributes of every kind, in versions where the JVM reads them
// and where it does not (classfile/testdata/attribute-rules.jar), and the
// inputs of the stackmap-attribute-rules and class-name-format cases: javap
// reads every attribute by name and dumps the ones it cannot read, with its
// reason; we must print the same.
func TestAttributeRulesAgainstJDKJavap(t *testing.T) {
	javapBin := javapTool(t)
	var samples []sample
	for _, dir := range []string{"../verify/testdata/stackmap-attribute-rules", "../verify/testdata/class-name-format"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.class"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			samples = append(samples, sample{origin: filepath.Base(dir), name: filepath.Base(f), data: data})
		}
	}
	if len(samples) != 6 {
		t.Fatalf("%d case inputs, want 6", len(samples))
	}
	zr, err := zip.OpenReader("../classfile/testdata/attribute-rules.jar")
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for i, f := range zr.File {
		if testing.Short() && i%10 != 0 || javapFails(f.Name) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		samples = append(samples, sample{origin: "attribute-rules.jar", name: f.Name, data: data})
	}
	for _, m := range allModes {
		if m.name != "-v -p" && m.name != "-c -p" {
			continue
		}
		st := compareWithJavap(t, javapBin, samples, m)
		t.Logf("javap %s: %d classes, %d lines: %d mismatches", m.name, st.classes, st.lines, st.mismatches)
		for _, f := range st.first {
			t.Errorf("javap %s: %s", m.name, f)
		}
	}
}

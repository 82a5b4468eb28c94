package verify

import (
	"os"
	"path/filepath"
	"testing"

	"dvmlab/core/classpath"
	"dvmlab/internal/jvmtest"
)

// TestFaults verifies each regression input in testdata/faults/NAME/, a
// directory named after the fault it found, and compares the verdict with
// HotSpot's (-Xverify:all), recorded in its hotspot.txt as "Class OK" or
// "Class VerifyError: …".
func TestFaults(t *testing.T) {
	dirs, err := filepath.Glob("testdata/faults/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fault cases: %v", err)
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d, err := classpath.OpenDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			h := classpath.NewHierarchy(d, jdk)
			for class, want := range jvmtest.Verdicts(t, dir) {
				data, err := os.ReadFile(filepath.Join(dir, class+".class"))
				if err != nil {
					t.Fatal(err)
				}
				r := Verify(data, h)
				switch {
				case want == "OK" && r.Err != nil:
					t.Errorf("%s: rejected, HotSpot accepts it: %v", class, r.Err)
				case want != "OK" && r.Err == nil:
					t.Errorf("%s: accepted, HotSpot rejects it: %s", class, want)
				}
			}
		})
	}
}

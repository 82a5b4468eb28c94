package verify

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/classpath"
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
			for _, want := range hotspotVerdicts(t, dir) {
				data, err := os.ReadFile(filepath.Join(dir, want.class+".class"))
				if err != nil {
					t.Fatal(err)
				}
				r := Verify(data, h)
				switch {
				case want.ok && r.Err != nil:
					t.Errorf("%s: rejected, HotSpot accepts it: %v", want.class, r.Err)
				case !want.ok && r.Err == nil:
					t.Errorf("%s: accepted, HotSpot rejects it: %s", want.class, want.why)
				}
			}
		})
	}
}

type verdict struct {
	class string
	ok    bool
	why   string
}

// hotspotVerdicts reads dir/hotspot.txt: one "Class OK" or "Class Reason"
// line per class, # comments.
func hotspotVerdicts(t *testing.T, dir string) []verdict {
	f, err := os.Open(filepath.Join(dir, "hotspot.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []verdict
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, why, _ := strings.Cut(line, " ")
		out = append(out, verdict{class: name, ok: why == "OK", why: why})
	}
	return out
}

package bytecode_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/verify"
	"dvmlab/internal/jvmtest"
)

// TestFaultsRecomputed recomputes the frames of every method of each
// regression input in testdata/faults/NAME/ (a directory named after the
// fault it found) and checks the result twice: our verifier must accept
// every class HotSpot accepts as it was (hotspot.txt), and HotSpot itself,
// under -Xverify:all, must load and initialize the recomputed class as it
// did the original.
func TestFaultsRecomputed(t *testing.T) {
	dirs, err := filepath.Glob("testdata/faults/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fault cases: %v", err)
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	loader := jvmtest.Javac(t, map[string]string{"Load.java": readFile(t, "testdata/Load.java")})
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d, err := classpath.OpenDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			h := classpath.NewHierarchy(d, jdk)
			out := t.TempDir()
			want := jvmtest.Verdicts(t, dir)
			var names []string
			for name := range want {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				c, err := classfile.Parse([]byte(readFile(t, filepath.Join(dir, name+".class"))))
				if err != nil {
					t.Fatal(err)
				}
				fc := bytecode.NewFrameComputer(c, h)
				for _, m := range c.Methods {
					if _, err := fc.Compute(m); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
				}
				data, err := c.Write()
				if err != nil {
					t.Fatal(err)
				}
				if r := verify.Verify(data, h); want[name] == "OK" && r.Err != nil {
					t.Errorf("%s recomputed: our verifier rejects it: %v", name, r.Err)
				}
				p := filepath.Join(out, filepath.FromSlash(name)+".class")
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := jvmtest.MustJava(t, append([]string{"-Xverify:all", "-Xshare:off", "-cp", loader + string(os.PathListSeparator) + out, "Load"}, names...)...)
			for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
				name, got, _ := strings.Cut(line, " ")
				if (got == "OK") != (want[name] == "OK") {
					t.Errorf("%s recomputed: HotSpot says %q, the original %q", name, got, want[name])
				}
			}
		})
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

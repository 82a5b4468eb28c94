package classfile

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// javaHome finds the JDK the tests read real classes from: $JAVA_HOME, else
// the directory of the java on PATH.
func javaHome(t testing.TB) string {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		return h
	}
	p, err := exec.LookPath("java")
	if err != nil {
		t.Skip("no JDK: java not on PATH")
	}
	p, err = filepath.EvalSymlinks(p)
	if err != nil {
		t.Skip(err)
	}
	return filepath.Dir(filepath.Dir(p))
}

type corpusClass struct {
	origin, name string
	data         []byte
}

// readZipClasses returns every .class entry of a jar, or of a jmod when skip
// is 4 (a jmod is a 4-byte header followed by a zip).
func readZipClasses(t testing.TB, path string, skip int64) []corpusClass {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(io.NewSectionReader(f, skip, st.Size()-skip), st.Size()-skip)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []corpusClass
	for _, e := range zr.File {
		if !strings.HasSuffix(e.Name, ".class") {
			continue
		}
		rc, err := e.Open()
		if err != nil {
			t.Fatalf("%s!%s: %v", path, e.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s!%s: %v", path, e.Name, err)
		}
		out = append(out, corpusClass{origin: filepath.Base(path), name: e.Name, data: b})
	}
	return out
}

func jdkClasses(t testing.TB, modules ...string) []corpusClass {
	home := javaHome(t)
	jmods, _ := filepath.Glob(filepath.Join(home, "jmods", "*.jmod"))
	if len(jmods) == 0 {
		t.Skipf("no jmods under %s", home)
	}
	var out []corpusClass
	for _, j := range jmods {
		if len(modules) > 0 {
			keep := false
			for _, m := range modules {
				keep = keep || filepath.Base(j) == m+".jmod"
			}
			if !keep {
				continue
			}
		}
		out = append(out, readZipClasses(t, j, 4)...)
	}
	return out
}

func roundTrip(t *testing.T, classes []corpusClass) {
	t.Helper()
	bad := 0
	for _, c := range classes {
		k, err := Parse(c.data)
		if err != nil {
			bad++
			if bad <= 10 {
				t.Errorf("%s!%s: parse: %v", c.origin, c.name, err)
			}
			continue
		}
		out, err := k.Write()
		if err != nil {
			bad++
			if bad <= 10 {
				t.Errorf("%s!%s: write: %v", c.origin, c.name, err)
			}
			continue
		}
		if !bytes.Equal(out, c.data) {
			bad++
			if bad <= 10 {
				i := 0
				for i < len(out) && i < len(c.data) && out[i] == c.data[i] {
					i++
				}
				t.Errorf("%s!%s: written class differs at offset %d (len %d vs %d)", c.origin, c.name, i, len(out), len(c.data))
			}
		}
	}
	t.Logf("%d classes, %d identical, %d differences", len(classes), len(classes)-bad, bad)
}

func TestRoundTripJDK(t *testing.T) {
	var classes []corpusClass
	if testing.Short() {
		classes = jdkClasses(t, "java.base")
	} else {
		classes = jdkClasses(t)
	}
	roundTrip(t, classes)
}

// debianJars are real programs nobody here wrote: the DVM paper's own
// benchmarks (JLex, CUP) and guava.
var debianJars = []string{"/usr/share/java/JLex.jar", "/usr/share/java/cup.jar", "/usr/share/java/guava.jar"}

func TestRoundTripDebianJars(t *testing.T) {
	for _, j := range debianJars {
		if _, err := os.Stat(j); err != nil {
			t.Errorf("%s missing: run `make deps`", j)
			continue
		}
		t.Run(filepath.Base(j), func(t *testing.T) { roundTrip(t, readZipClasses(t, j, 0)) })
	}
}

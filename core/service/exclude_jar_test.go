package service_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/service"
)

// TestExcludeLeavesClassesAsTheyCame: classes named by --exclude come out of
// a coverage rewrite byte for byte as they went in (a program that reads its
// own class files as data, as kotlinc does, must get them unchanged); the
// others are instrumented (interfaces with no code stay as they are).
func TestExcludeLeavesClassesAsTheyCame(t *testing.T) {
	const in = "/usr/share/java/JLex.jar"
	if _, err := os.Stat(in); err != nil {
		t.Skip("JLex is not installed (`make deps` installs it)")
	}
	p := pipeline(t, "coverage", true)
	var err error
	if p.Exclude, err = service.ParseClassPatterns("JLex.Main, JLex/CNfa*"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.jar")
	st, err := p.RewritePath(in, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, after := jarClasses(t, in), jarClasses(t, out)
	excluded, instrumented := 0, 0
	for name, data := range before {
		same := bytes.Equal(data, after[name])
		switch want := p.Exclude.Match(strings.TrimSuffix(name, ".class")); {
		case want && !same:
			t.Errorf("%s is excluded but changed", name)
		case want:
			excluded++
		case !same:
			instrumented++
		}
	}
	if excluded < 3 || st.Excluded != excluded || instrumented < len(before)/2 {
		t.Errorf("%d classes excluded (Stats.Excluded %d), %d of %d instrumented", excluded, st.Excluded, instrumented, len(before))
	}
}

func jarClasses(t *testing.T, path string) map[string][]byte {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	out := map[string][]byte{}
	for _, f := range z.File {
		if !strings.HasSuffix(f.Name, ".class") {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

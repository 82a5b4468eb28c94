package service_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"dvmlab/core/classpath"
	"dvmlab/datasets"
	"dvmlab/internal/jvmtest"
)

// TestRealJarsUnchanged sends the JDK's own jars and jmods and every Debian
// jar the datasets use through rewrite --services none as archives: each
// comes out byte for byte as it went in, entries, order, attributes,
// directory entries and headers included, not only its classes.
func TestRealJarsUnchanged(t *testing.T) {
	home := jvmtest.JavaHome(t)
	ins, _ := filepath.Glob(filepath.Join(home, "lib", "*.jar"))
	if !testing.Short() {
		jmods, _ := filepath.Glob(filepath.Join(home, "jmods", "*.jmod"))
		ins = append(ins, jmods...)
	}
	for _, p := range datasets.All() {
		for _, j := range p.Jars {
			if _, err := os.Stat(j); err == nil {
				ins = append(ins, j)
			}
		}
	}
	if len(ins) < 3 {
		t.Skipf("only %d jars here: run make deps", len(ins))
	}
	p := pipeline(t, "none", false)
	out := t.TempDir()
	classes := 0
	for _, in := range ins {
		dst := filepath.Join(out, filepath.Base(filepath.Dir(in))+"-"+filepath.Base(in))
		st, err := p.RewritePath(in, dst, nil)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if st.Failed > 0 || st.Unchanged != st.Classes {
			t.Errorf("%s: %d of %d classes changed, %d failed: %v", in, st.Classes-st.Unchanged, st.Classes, st.Failed, st.Errors)
		}
		a, _ := os.ReadFile(in)
		b, _ := os.ReadFile(dst)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: not byte-identical after rewrite --services none", in)
		}
		// The copy must also be readable as an archive of the same entries.
		if z, err := classpath.ReadZipEdit(bytes.NewReader(b), int64(len(b))); err != nil || len(z.Entries) == 0 {
			t.Errorf("%s: rewritten archive unreadable: %v", in, err)
		}
		classes += st.Classes
		os.Remove(dst)
	}
	t.Logf("%d jars and jmods, %d classes, all byte-identical", len(ins), classes)
}

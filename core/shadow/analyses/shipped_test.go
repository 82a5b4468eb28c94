package analyses

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/shadow"
	"dvmlab/internal/jvmtest"
)

// shipped runs main from testdata/dir under ShadowVM with the allocation
// counter, in process or not, and returns its rows by site and class.
func shipped(t *testing.T, dir, main string, inProcess bool) (map[string]int64, *shadow.Result, string) {
	t.Helper()
	a := &Alloc{}
	var out, errb bytes.Buffer
	java := []string{jvmtest.Tool(t, "java"), "-Xshare:off", "-cp", filepath.Join("testdata", dir), main}
	res, err := shadow.Run(context.Background(), shadow.Config{Analysis: a, Ordering: shadow.Global, InProcess: inProcess,
		Java: java, Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("%s: exit %d\n%s", main, res.ExitCode, errb.String())
	}
	rows := map[string]int64{}
	for _, r := range a.Rows() {
		rows[r.Site+","+r.Class] += r.Count
	}
	return rows, res, out.String()
}

// hidden-classes: a class defined by Lookup.defineHiddenClass never reaches
// the class-load hook; its five calls' allocations are counted anyway.
func TestHiddenClasses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts JVMs")
	}
	for _, inProcess := range []bool{false, true} {
		rows, _, out := shipped(t, "hidden-classes", "Hidden", inProcess)
		if out != "hidden true t=5\n" {
			t.Errorf("prints %q", out)
		}
		for _, want := range []string{"Gen.getAsInt()I@1,[I", "Gen.getAsInt()I@4,java/lang/StringBuilder"} {
			if rows[want] != 5 {
				t.Errorf("in process %v: %s counted %d times, want 5", inProcess, want, rows[want])
			}
		}
	}
}

// method-near-64k: hooks would push f over 64 KB; f stays unobserved, the
// rest of the class is observed.
func TestMethodNear64K(t *testing.T) {
	if testing.Short() {
		t.Skip("starts JVMs")
	}
	rows, res, _ := shipped(t, "method-near-64k", "HugeMethod", false)
	if n := rows["HugeMethod.main([Ljava/lang/String;)V@0,java/lang/StringBuilder"]; n != 1 {
		t.Errorf("main's StringBuilder counted %d times, want 1", n)
	}
	if res.Instrument.MethodsFailed != 1 || res.Instrument.Failed != 0 {
		t.Errorf("%d methods and %d classes failed, want 1 and 0", res.Instrument.MethodsFailed, res.Instrument.Failed)
	}
	found := false
	for _, e := range res.Errors {
		found = found || strings.Contains(e.Error(), "HugeMethod.f(I)I: left uninstrumented")
	}
	if !found {
		t.Errorf("no error names f: %v", res.Errors)
	}
}

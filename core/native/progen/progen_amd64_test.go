package progen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	dexec "dvmlab/core/native/exec"
)

// TestProgramsOnAMD64 runs generated programs compiled by the compile
// service for amd64 in a JVM (-Xverify:all, -Xcheck:jni, a small heap)
// against HotSpot on javac's classes: 200 by default (100 with -short),
// DVMLAB_PROGEN=N for N, starting at seed DVMLAB_PROGEN_FROM (1 by
// default; a seed makes 100 programs), so a long sweep can be resumed. It
// also checks that the programs throw each exception the generator claims
// to provoke.
func TestProgramsOnAMD64(t *testing.T) {
	if _, err := exec.LookPath("ld"); err != nil {
		t.Skip("no ld: the compile service links with binutils")
	}
	if _, err := os.Stat(filepath.Join(dexec.Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	want, first := sweepSize(t, 200)
	const perClass = 100
	total := Stats{Thrown: map[string]int{}}
	for seed := first; total.Programs < want; seed++ {
		st, err := CheckAMD64(context.Background(), t.TempDir(), seed, perClass, 3)
		if err != nil {
			t.Fatal(err)
		}
		total.Programs += st.Programs
		total.Compiled += st.Compiled
		total.Runs += st.Runs
		total.Differ += st.Differ
		for k, v := range st.Thrown {
			total.Thrown[k] += v
		}
		if testing.Verbose() {
			t.Logf("seed %d: %d programs, %d compiled, %d runs, %d differ (so far %d programs, %d differ)",
				seed, st.Programs, st.Compiled, st.Runs, st.Differ, total.Programs, total.Differ)
		}
		if st.Differ > 0 {
			src, _ := os.ReadFile(st.FirstFile)
			t.Errorf("%s\n(source kept below)\n%s", strings.TrimSpace(st.First), string(src))
		}
	}
	var thrown []string
	for k, v := range total.Thrown {
		thrown = append(thrown, k+" "+strconv.Itoa(v))
	}
	sort.Strings(thrown)
	t.Logf("%d programs, %d compiled for amd64, %d runs, %d differ; HotSpot threw: %s",
		total.Programs, total.Compiled, total.Runs, total.Differ, strings.Join(thrown, ", "))
	if total.Compiled < total.Programs*9/10 {
		t.Errorf("only %d of %d programs compiled", total.Compiled, total.Programs)
	}
	for _, e := range []string{"java/lang/ArithmeticException", "java/lang/ArrayIndexOutOfBoundsException",
		"java/lang/NegativeArraySizeException", "java/lang/NullPointerException"} {
		if total.Thrown[e] == 0 {
			t.Errorf("no program threw %s", e)
		}
	}
}

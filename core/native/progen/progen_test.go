package progen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dvmlab/core/native/alpha"
	dexec "dvmlab/core/native/exec"
)

// TestGenerateIsSeeded: the same seed gives the same class, another seed
// another one, and javac accepts it.
func TestGenerateIsSeeded(t *testing.T) {
	a, b, c := Generate(7, 20), Generate(7, 20), Generate(8, 20)
	if a.Source != b.Source {
		t.Fatal("seed 7 gave two different classes")
	}
	if a.Source == c.Source {
		t.Fatal("seeds 7 and 8 gave the same class")
	}
	javac := filepath.Join(dexec.Java(), "bin", "javac")
	if _, err := os.Stat(javac); err != nil {
		t.Skip("no JDK")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "P7.java")
	if err := os.WriteFile(src, []byte(a.Source), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(javac, "-nowarn", "-d", dir, src).CombinedOutput(); err != nil {
		t.Fatalf("javac: %v: %s", err, out)
	}
}

// TestProgramsOnAlpha runs generated programs compiled for Alpha (ev4 and
// ev67, under qemu-alpha) against HotSpot: 300 by default (100 with
// -short), DVMLAB_PROGEN=N for N, from seed DVMLAB_PROGEN_FROM.
func TestProgramsOnAlpha(t *testing.T) {
	if err := alpha.Available(); err != nil {
		t.Skip(err)
	}
	want, first := sweepSize(t, 300)
	const perClass = 100
	var total Stats
	for seed := first; total.Programs < want; seed++ {
		st, err := Check(context.Background(), t.TempDir(), seed, perClass, 3, []alpha.CPU{alpha.EV4, alpha.EV67})
		if err != nil {
			t.Fatal(err)
		}
		total.Programs += st.Programs
		total.Compiled += st.Compiled
		total.Runs += st.Runs
		total.Differ += st.Differ
		if st.Differ > 0 {
			src, _ := os.ReadFile(st.FirstFile)
			t.Errorf("%s\n(source kept below)\n%s", strings.TrimSpace(st.First), firstLines(string(src), 0))
		}
	}
	t.Logf("%d programs, %d compiled for Alpha, %d runs, %d differ", total.Programs, total.Compiled, total.Runs, total.Differ)
	if total.Compiled < total.Programs*9/10 {
		t.Errorf("only %d of %d programs compiled", total.Compiled, total.Programs)
	}
}

func firstLines(s string, n int) string {
	if n <= 0 {
		return s
	}
	l := strings.SplitN(s, "\n", n+1)
	if len(l) > n {
		l = l[:n]
	}
	return strings.Join(l, "\n")
}

// sweepSize is a sweep's number of programs, def by default, 100 with
// -short, DVMLAB_PROGEN=N for N, and its first seed, DVMLAB_PROGEN_FROM
// (1 by default; a seed makes 100 programs), so a long sweep can be
// resumed.
func sweepSize(t *testing.T, def int) (want int, first int64) {
	want, first = def, 1
	if testing.Short() {
		want = 100
	}
	if s := os.Getenv("DVMLAB_PROGEN"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("DVMLAB_PROGEN=%q: %v", s, err)
		}
		want = n
	}
	if s := os.Getenv("DVMLAB_PROGEN_FROM"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			t.Fatalf("DVMLAB_PROGEN_FROM=%q: want a seed >= 1", s)
		}
		first = n
	}
	return want, first
}

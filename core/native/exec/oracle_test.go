package exec

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// compileJava compiles testdata sources into a fresh directory.
func compileJava(t *testing.T, srcs ...string) string {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"-d", dir}, srcs...)
	if out, err := exec.Command(filepath.Join(Java(), "bin", "javac"), args...).CombinedOutput(); err != nil {
		t.Fatalf("javac: %v: %s", err, out)
	}
	return dir
}

// TestOracleAsGo checks the runner's plumbing (parsing, invoking, printing)
// on methods whose Java meaning Go computes too.
func TestOracleAsGo(t *testing.T) {
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/Small.java")
	jvm := JVM{ClassPath: []string{dir}}
	ctx := context.Background()

	m, err := ParseMethod("t.Small.div(II)I")
	if err != nil {
		t.Fatal(err)
	}
	in := Inputs(m, 1, 300)
	got, err := jvm.Run(ctx, m, in)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range in {
		f := strings.Fields(line)
		a, _ := strconv.ParseInt(f[1], 10, 32)
		b, _ := strconv.ParseInt(f[2], 10, 32)
		want := "exc java/lang/ArithmeticException: / by zero"
		if b != 0 {
			want = fmt.Sprintf("ret %d", int32(a)/int32(b))
		}
		if got[i] != want {
			t.Fatalf("div %d %d: %q, want %q", a, b, got[i], want)
		}
	}

	m, _ = ParseMethod("t.Small.half(D)D")
	in = Inputs(m, 2, 200)
	got, err = jvm.Run(ctx, m, in)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range in {
		bits, _ := strconv.ParseUint(strings.Fields(line)[1], 16, 64)
		r := math.Float64frombits(bits) * 0.5
		rb := math.Float64bits(r)
		if math.IsNaN(r) {
			rb = 0x7ff8000000000000
		}
		if want := fmt.Sprintf("ret %016x", rb); got[i] != want {
			t.Fatalf("half %x: %q, want %q", bits, got[i], want)
		}
	}

	m, _ = ParseMethod("t.Small.fill([II)V")
	got, err = jvm.Run(ctx, m, []string{"0 #3 9 9 9 5", "0 null 1", "0 #0 4", "0 #5 3*4 1 5"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ret void a0 #3 5 6 7",
		`exc java/lang/NullPointerException: Cannot read the array length because "<parameter1>" is null a0 null`,
		"ret void a0 #0", "ret void a0 #5 5 6 7 8 9"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("fill: %q, want %q", got, want)
	}

	// Runs of equal elements print as one token, ELEMENT*COUNT.
	m, _ = ParseMethod("t.Small.same([II)V")
	got, err = jvm.Run(ctx, m, []string{"0 #5 1 2 3 4 5 7", "0 #2 1 2 7", "0 #3 1 1 1 1"})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"ret void a0 #5 7*4 5", "ret void a0 #2 7 2", "ret void a0 #3 1*3"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("same: %q, want %q", got, want)
	}

	m, _ = ParseMethod("t.Small.add(I)V")
	pre := JVM{ClassPath: []string{dir}, Pre: true}
	got, err = pre.Run(ctx, m, []string{"7 5"})
	if err != nil {
		t.Fatal(err)
	}
	var acc, total int64
	if _, err := fmt.Sscanf(got[0], "pre f.acc %d f.total %d", &acc, &total); err != nil {
		t.Fatalf("pre line %q: %v", got[0], err)
	}
	if w := fmt.Sprintf("ret void f.acc %d f.total %d", int32(acc)+5, total-5); got[1] != w {
		t.Fatalf("add: %q, want %q", got[1], w)
	}
}

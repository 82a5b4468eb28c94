package exec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/native/alpha"
)

// TestOpsOnAlpha runs every method of testdata/Ops.java (one per construct
// the back end lowers, and the regressions found so far) on seeded inputs
// under qemu-alpha, as ev4 and as ev67, against HotSpot.
func TestOpsOnAlpha(t *testing.T) {
	if err := alpha.Available(); err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/Ops.java")
	c, err := LoadClass(dir, "t.Ops")
	if err != nil {
		t.Fatal(err)
	}
	count := 400
	// By default the regressions and the methods where ev4 and ev67 code
	// differ; DVMLAB_OPS=all runs the whole table (a few minutes on two
	// cores: a JVM and two links per method).
	quick := map[string]bool{"f2iSubnormal": true, "f2dSubnormal": true, "fremSubnormal": true, "f2d": true, "frem": true, "bytes": true, "chars": true,
		"bools": true, "idiv": true, "messages": true, "recursion": true, "fields": true, "callsMany": true, "swapLoop": true}
	all := os.Getenv("DVMLAB_OPS") == "all"
	if testing.Short() {
		count = 100
	}
	ctx := context.Background()
	for _, mm := range c.Methods {
		name, desc := c.MemberName(mm), c.MemberDesc(mm)
		if strings.HasPrefix(name, "<") || (!all && !quick[name]) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			m, err := ParseMethod("t.Ops." + name + desc)
			if err != nil {
				t.Fatal(err)
			}
			inputs := Inputs(m, 14, count)
			snap, err := Alpha{In: dir, CPU: alpha.EV4}.Snapshot(m)
			if err != nil {
				t.Fatal(err)
			}
			lines, err := JVM{ClassPath: []string{dir}, Pre: true, Snapshot: snap}.Run(ctx, m, inputs)
			if err != nil {
				t.Fatal(err)
			}
			pres, want := make([]string, count), make([]string, count)
			for i := range inputs {
				pres[i], want[i] = lines[2*i], lines[2*i+1]
			}
			if name == "messages" { // the inputs must reach each kind of message
				for _, m := range []string{"exc java/lang/NullPointerException: Cannot ", "exc java/lang/ArrayIndexOutOfBoundsException: Index ", "exc java/lang/NegativeArraySizeException: -"} {
					if !strings.Contains(strings.Join(want, "\n"), m) {
						t.Errorf("no input gives %q", m)
					}
				}
			}
			for _, cpu := range []alpha.CPU{alpha.EV4, alpha.EV67} {
				got, err := Alpha{In: dir, CPU: cpu}.Run(ctx, m, inputs, pres)
				if err != nil {
					t.Fatalf("%s: %v", cpu, err)
				}
				if r := Compare(inputs, want, got); r.Differ > 0 {
					t.Errorf("%s: %s", cpu, r)
				}
			}
		})
	}
}

package javap

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"dvmlab/internal/jvmtest"
)

func TestJavaFloatKnown(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{1, "1.0"}, {0.1, "0.1"}, {100, "100.0"}, {1e7, "1.0E7"}, {1234567, "1234567.0"},
		{0.001, "0.001"}, {0.0001, "1.0E-4"}, {1e-5, "1.0E-5"}, {-2.5, "-2.5"},
		{math.MaxFloat64, "1.7976931348623157E308"}, {5e-324, "4.9E-324"},
		{math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"}, {math.NaN(), "NaN"},
		{math.Copysign(0, -1), "-0.0"}, {0, "0.0"},
		// Not the shortest digits: the old algorithm's quirk that JDK 19
		// fixed (JDK-4511638), which javap 17 shows.
		{2e23, "1.9999999999999998E23"}, {1e23, "9.999999999999999E22"},
	} {
		if got := javaDouble(c.v); got != c.want {
			t.Errorf("javaDouble(%v) = %s, want %s", c.v, got, c.want)
		}
	}
	for _, c := range []struct {
		v    float32
		want string
	}{
		{1.1, "1.1"}, {3.4e38, "3.4E38"}, {1e10, "1.0E10"}, {0.3, "0.3"}, {1.0e-45, "1.4E-45"},
	} {
		if got := javaFloat(c.v); got != c.want {
			t.Errorf("javaFloat(%v) = %s, want %s", c.v, got, c.want)
		}
	}
}

// TestJavaFloatAgainstJDK prints many floats and doubles with the real
// Float.toString and Double.toString and compares: random bit patterns,
// short decimals (what source code holds), powers of two and ten, and
// neighbours of each.
func TestJavaFloatAgainstJDK(t *testing.T) {
	java := jvmtest.Tool(t, "java")
	dir := jvmtest.Javac(t, map[string]string{"F.java": floatProbe})
	r := rand.New(rand.NewPCG(1, 2))
	var doubles []uint64
	var floats []uint32
	n := 20000
	if testing.Short() {
		n = 3000
	}
	for range n {
		doubles = append(doubles, r.Uint64())
		floats = append(floats, r.Uint32())
		d := float64(r.IntN(1_000_000)) / math.Pow(10, float64(r.IntN(30)-10))
		doubles = append(doubles, math.Float64bits(d))
		floats = append(floats, math.Float32bits(float32(d)))
	}
	for e := -1074; e <= 1023; e++ {
		v := math.Ldexp(1, e)
		doubles = append(doubles, math.Float64bits(v), math.Float64bits(v)+1, math.Float64bits(v)-1)
	}
	for e := -149; e <= 127; e++ {
		v := float32(math.Ldexp(1, e))
		floats = append(floats, math.Float32bits(v), math.Float32bits(v)+1, math.Float32bits(v)-1)
	}
	for e := -324; e <= 308; e++ {
		v := math.Pow(10, float64(e))
		doubles = append(doubles, math.Float64bits(v), math.Float64bits(v)+1, math.Float64bits(v)-1)
		floats = append(floats, math.Float32bits(float32(v)))
	}
	var in strings.Builder
	for _, d := range doubles {
		fmt.Fprintf(&in, "d%x\n", d)
	}
	for _, f := range floats {
		fmt.Fprintf(&in, "f%x\n", f)
	}
	cmd := exec.Command(java, "-cp", dir, "F")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("java: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	bad := 0
	check := func(what, ours string) {
		if !sc.Scan() {
			t.Fatalf("java printed too few lines")
		}
		if theirs := sc.Text(); ours != theirs && bad < 20 {
			bad++
			t.Errorf("%s: ours %s, Java %s", what, ours, theirs)
		}
	}
	for _, d := range doubles {
		check(fmt.Sprintf("double %#x", d), javaDouble(math.Float64frombits(d)))
	}
	for _, f := range floats {
		check(fmt.Sprintf("float %#x", f), javaFloat(math.Float32frombits(f)))
	}
	t.Logf("%d doubles and %d floats compared with Java", len(doubles), len(floats))
}

const floatProbe = `import java.io.*;
public class F {
    public static void main(String[] a) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in));
        PrintWriter w = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
        for (String l; (l = r.readLine()) != null; ) {
            if (l.startsWith("f"))
                w.println(Float.toString(Float.intBitsToFloat(Integer.parseUnsignedInt(l.substring(1), 16))));
            else
                w.println(Double.toString(Double.longBitsToDouble(Long.parseUnsignedLong(l.substring(1), 16))));
        }
        w.flush();
    }
}
`

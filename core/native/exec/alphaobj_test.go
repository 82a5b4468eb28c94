package exec

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"dvmlab/core/native/alpha"
)

// outcomes counts the outcome kinds of HotSpot's lines: "ret" or the
// exception's class.
func outcomes(lines []string) map[string]int {
	n := map[string]int{}
	for _, l := range lines {
		k, _, _ := strings.Cut(l, " a0 ")
		k, _, _ = strings.Cut(k, ":")
		if strings.HasPrefix(k, "ret") {
			k = "ret"
		}
		n[k]++
	}
	return n
}

// runOnAlpha runs spec from in on count seeded inputs under qemu-alpha as
// ev4 and as ev67 against HotSpot, and returns HotSpot's outcome lines.
func runOnAlpha(t *testing.T, in, spec string, count int) []string {
	t.Helper()
	ctx := context.Background()
	m, err := ParseMethod(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Resolve(in); err != nil {
		t.Fatal(err)
	}
	inputs := Inputs(m, 14, count)
	snap, err := Alpha{In: in, CPU: alpha.EV4}.Snapshot(m)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := JVM{ClassPath: []string{in}, Pre: true, Snapshot: snap}.Run(ctx, m, inputs)
	if err != nil {
		t.Fatal(err)
	}
	pres, want := make([]string, count), make([]string, count)
	for i := range inputs {
		pres[i], want[i] = lines[2*i], lines[2*i+1]
	}
	for _, cpu := range []alpha.CPU{alpha.EV4, alpha.EV67} {
		got, err := Alpha{In: in, CPU: cpu}.Run(ctx, m, inputs, pres)
		if err != nil {
			t.Fatalf("%s %s: %v", cpu, spec, err)
		}
		r := Compare(inputs, want, got)
		t.Logf("%s %s: %d agree, %d differ", cpu, spec, r.Agree, r.Differ)
		if r.Differ > 0 {
			t.Errorf("%s %s: %s", cpu, spec, r)
		}
	}
	return want
}

// wantOutcomes fails unless HotSpot's lines reach every outcome kind named:
// the inputs must get past each check for the comparison to mean anything.
func wantOutcomes(t *testing.T, lines []string, kinds ...string) {
	t.Helper()
	got := outcomes(lines)
	var seen []string
	for k, n := range got {
		seen = append(seen, k+"="+itoa(n))
	}
	sort.Strings(seen)
	t.Logf("outcomes: %s", strings.Join(seen, ", "))
	for _, k := range kinds {
		if got[k] == 0 {
			t.Errorf("no input gives %s", k)
		}
	}
}

func itoa(n int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

// TestFFTOnAlpha: commons-math3's FFT transform compiles whole for the
// Alpha runtime (with its static callees in other classes, its enum
// arguments and statics, and its exceptions) and agrees with HotSpot on
// 100 inputs as ev4 and as ev67, the inputs reaching the transform itself
// and each exception it throws.
func TestFFTOnAlpha(t *testing.T) {
	if err := alpha.Available(); err != nil {
		t.Skip(err)
	}
	jar := "/usr/share/java/commons-math3.jar"
	if _, err := os.Stat(jar); err != nil {
		t.Skip(jar + " missing (make deps)")
	}
	want := runOnAlpha(t, jar, "org.apache.commons.math3.transform.FastFourierTransformer.transformInPlace([[DLorg/apache/commons/math3/transform/DftNormalization;Lorg/apache/commons/math3/transform/TransformType;)V", 100)
	wantOutcomes(t, want, "ret", "exc org/apache/commons/math3/exception/DimensionMismatchException",
		"exc org/apache/commons/math3/exception/MathIllegalArgumentException", "exc java/lang/NullPointerException")
}

// TestObjectsOnAlpha runs testdata/objects/Objects.java's methods (arrays of
// arrays, enums, static calls and fields of other classes, exceptions made
// by Java constructors) on ev4 and ev67 against HotSpot.
func TestObjectsOnAlpha(t *testing.T) {
	if err := alpha.Available(); err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/objects/Objects.java")
	for _, c := range []struct {
		spec  string
		kinds []string
	}{
		{"sum([[D)D", []string{"ret", "exc java/lang/NullPointerException"}},
		{"swapScale([[DLt/Mode;)V", []string{"ret", "exc t/Objects$Mismatch", "exc java/lang/IllegalStateException"}},
		{"code(Lt/Mode;)I", []string{"ret", "exc java/lang/NullPointerException"}},
		{"total([[[I)J", []string{"ret", "exc java/lang/AssertionError"}},
		{"norms([[D[D)V", []string{"ret", "exc t/Objects$Mismatch", "exc java/lang/ArrayIndexOutOfBoundsException"}},
	} {
		t.Run(c.spec, func(t *testing.T) {
			want := runOnAlpha(t, dir, "t.Objects."+c.spec, 200)
			wantOutcomes(t, want, c.kinds...)
		})
	}
}

// TestAlphaRefusals: what the Alpha runtime's objects cannot do leaves the
// method as bytecode with the reason, naming class, method and offset,
// never a panic.
func TestAlphaRefusals(t *testing.T) {
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/objects/Objects.java", "testdata/objects/Refused.java")
	w, err := openWorld(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	c, err := LoadClass(dir, "t.Refused")
	if err != nil {
		t.Fatal(err)
	}
	funcs, _ := w.closure(c)
	why := map[string]string{}
	for _, f := range funcs {
		if _, err := alpha.Lower(f, alpha.EV4); err != nil {
			why[f.Name] = err.Error()
		}
	}
	for name, want := range map[string]string{
		"name":    "at offset 1: v", // invokevirtual Enum.name()
		"kind":    "needs the JVM",
		"put":     "ArrayStoreException",
		"rethrow": "athrow of",
	} {
		got := why[name]
		t.Logf("%s: %s", name, got)
		if !strings.Contains(got, "t/Refused."+name) || !strings.Contains(got, "offset") || !strings.Contains(got, want) {
			t.Errorf("%s: %q; want a refusal naming t/Refused.%s, the offset and %q", name, got, name, want)
		}
	}
}

// TestUnmessagedCompare: an exception the Alpha runtime threw for a
// constructor it cannot run agrees with HotSpot's by class alone; the rest
// of the line is compared as ever.
func TestUnmessagedCompare(t *testing.T) {
	got := "exc a/B" + Unmessaged + " a0 #1 0"
	for _, c := range []struct {
		want  string
		agree bool
	}{
		{"exc a/B: got 3, want 2 a0 #1 0", true},
		{"exc a/B a0 #1 0", true},
		{"exc a/C: got 3 a0 #1 0", false},
		{"exc a/BB: x a0 #1 0", false},
		{"exc a/B: x a0 #1 1", false},
		{"ret void a0 #1 0", false},
	} {
		r := Compare([]string{"in"}, []string{c.want}, []string{got})
		if (r.Agree == 1) != c.agree {
			t.Errorf("%q against %q: agree %v, want %v", got, c.want, r.Agree == 1, c.agree)
		}
	}
	if r := Compare([]string{"in"}, []string{"exc a/B: m"}, []string{"exc a/B: n"}); r.Differ != 1 {
		t.Errorf("other exceptions' messages must still be compared")
	}
}

// TestFieldOfParamOnAlpha: a static method reading a field of its own
// class's object parameter stays bytecode, with the reason, and the rest
// of its class links and runs (testdata/objects/FieldOfParam.java).
func TestFieldOfParamOnAlpha(t *testing.T) {
	if err := alpha.Available(); err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/objects/FieldOfParam.java")
	runOnAlpha(t, dir, "t.FieldOfParam.twice(D)D", 50)
	m, err := ParseMethod("t.FieldOfParam.full(Lt/FieldOfParam;)D")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Alpha{In: dir, CPU: alpha.EV4}.Run(context.Background(), m, nil, nil)
	var left *LeftAsBytecode
	if !errors.As(err, &left) || !strings.Contains(err.Error(), "offset 1") || !strings.Contains(err.Error(), "other than the receiver") {
		t.Errorf("full: %v; want it left as bytecode, naming offset 1 and the receiver", err)
	}
}

// TestFloatArgOnStackOnAlpha: float arguments past the sixth, from the
// harness (gcc's convention) and from compiled code, arrive intact
// (testdata/objects/FloatArgOnStack.java).
func TestFloatArgOnStackOnAlpha(t *testing.T) {
	if err := alpha.Available(); err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/objects/FloatArgOnStack.java")
	for _, spec := range []string{"t.FloatArgOnStack.grad(IFFFF)F", "t.FloatArgOnStack.mixed(IFJDFIFD)D", "t.FloatArgOnStack.outer(FF)F"} {
		runOnAlpha(t, dir, spec, 200)
	}
}

// TestBigTablesOnAlpha: the JVM side sends the Alpha runtime only the
// fields compiled code names, a table that code cannot change once rather
// than with every input, and compares after each call only what it can
// change (testdata/objects/BigTables.java: 64 permutation tables of up to
// 311 ints and a 4,096-int table under halton, a 65,536-int chain per
// receiver).
func TestBigTablesOnAlpha(t *testing.T) {
	if err := alpha.Available(); err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/objects/BigTables.java")
	for _, c := range []struct {
		method         string
		fields, stable string
	}{
		{"halton(II)D", "PRIMES", "s.PRIMES g.t/BigTables.SIGMA"}, // an array of arrays travels as a snapshot
		{"count(I)J", "PRIMES sums calls", "s.PRIMES"},
		{"sum(I)J", "sums", "s.sums"},
		{"insert(I)I", "chain base", "f.base"},
		{"peek(I)I", "chain base", "f.chain f.base"},
	} {
		t.Run(c.method, func(t *testing.T) {
			m, err := ParseMethod("t.BigTables." + c.method)
			if err == nil {
				err = m.Resolve(dir)
			}
			if err != nil {
				t.Fatal(err)
			}
			snap, err := Alpha{In: dir, CPU: alpha.EV4}.Snapshot(m)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(snap.Fields, " "); got != c.fields {
				t.Errorf("fields %q, want %q", got, c.fields)
			}
			if got := strings.Join(snap.Stable, " "); got != c.stable {
				t.Errorf("stable %q, want %q", got, c.stable)
			}
			lines, err := JVM{ClassPath: []string{dir}, Pre: true, Snapshot: snap}.Run(context.Background(), m, Inputs(m, 3, 3))
			if err != nil {
				t.Fatal(err)
			}
			for _, label := range snap.Stable {
				if strings.Contains(lines[1], " "+label+" ") {
					t.Errorf("outcome line prints stable %s: %.200s", label, lines[1])
				}
			}
			// An unchanged table comes once; a seeded field is new each time.
			if strings.Contains(c.stable, "s.PRIMES") && !strings.Contains(lines[2], " s.PRIMES = ") {
				t.Errorf("second pre line sends PRIMES again: %.200s", lines[2])
			}
			if len(lines[2]) > 2000 {
				t.Errorf("second pre line is %d bytes", len(lines[2]))
			}
			runOnAlpha(t, dir, "t.BigTables."+c.method, 200)
		})
	}
}

// TestInheritedFieldsOnAlpha: fields a receiver inherits, named through its
// own class as javac names them, get values and offsets on Alpha, and a
// static one through the class is the declaring class's
// (testdata/objects/InheritedFields.java; bcprov's ChaChaEngine failed to
// link for want of dvm_fo_..._ChaChaEngine_engineState).
func TestInheritedFieldsOnAlpha(t *testing.T) {
	if err := alpha.Available(); err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(filepath.Join(Java(), "bin", "javac")); err != nil {
		t.Skip("no JDK")
	}
	dir := compileJava(t, "testdata/objects/InheritedFields.java")
	// step writes index and stores into engineState: both compared after
	// each call; counter only reads them.
	want := runOnAlpha(t, dir, "t.InheritedFields.step(I)I", 200)
	if !strings.Contains(want[0], " f.engineState #16 ") || !strings.Contains(want[0], " f.index ") {
		t.Errorf("step: the inherited fields are not compared: %s", want[0])
	}
	want = runOnAlpha(t, dir, "t.InheritedFields.counter()J", 200)
	if want[0] == want[1] && want[1] == want[2] {
		t.Errorf("counter: the seeded inherited index does not reach the call: %q", want[:3])
	}
}

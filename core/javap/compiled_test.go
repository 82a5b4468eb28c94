package javap

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"dvmlab/internal/jvmtest"
)

// Sources that exercise what the JDK sample may hold rarely or not at all:
// every element-value kind, type annotations in code, records, sealed
// types, odd constants and names, wide locals, both switch forms with
// negative keys, nested generic inner types, throws of a type variable.
var richSources = map[string]string{
	"Rich.java": `
import java.lang.annotation.*;
import java.util.*;
import java.util.function.*;
import java.io.*;

@Retention(RetentionPolicy.RUNTIME) @Target({ElementType.TYPE_USE, ElementType.TYPE_PARAMETER})
@interface T1 { int value() default 1; }

@Retention(RetentionPolicy.RUNTIME)
@interface All {
    byte b() default 1; char c() default 'x'; short s() default -2; int i() default 3; long l() default 4L;
    float f() default 1.5f; double d() default Double.NaN; boolean z() default true; String str() default "q\"\n";
    Thread.State e() default Thread.State.NEW; Class<?> k() default int[].class; Deprecated ann() default @Deprecated(since = "1");
    int[] arr() default {1, 2}; String[] none() default {};
}

@Retention(RetentionPolicy.CLASS) @interface Invisible { String value(); }

@All(b = -1, c = '\'', str = "\u00e9\t", k = Map.Entry.class, arr = {})
@Invisible("x")
public class Rich<@T1 K extends Comparable<? super K>, V> implements Serializable {
    public static final String S = "tab\there \"q\" \\ \u0000 \u0085 \u2028 \ud83d\ude00";
    public static final float FN = Float.NaN, FI = Float.NEGATIVE_INFINITY, FM = Float.MIN_VALUE, FZ = -0.0f;
    public static final double DI = Double.POSITIVE_INFINITY, DM = Double.MAX_VALUE, DS = 1e-300, DE = 2e23;
    public static final long L = Long.MIN_VALUE;
    public static final char C = '\n';
    public static final int I = Integer.MIN_VALUE;
    public static final byte B = -128;
    public static final short SH = 32767;
    public static final boolean Z = true;
    protected transient volatile Map<K, List<? extends V>>[] maps;
    @Deprecated private int old;
    @SuppressWarnings("unused") private @T1 int typed;

    public class Inner<U> { public Rich<K, V>.Inner<U> self() { return this; } }
    public static class Nested<W extends Number & Runnable> { }

    public <X extends Throwable> void sneaky(Throwable t) throws X, IOException { throw (X) t; }
    public static <E extends Enum<E>> E parse(Class<E> c, String... names) { return Enum.valueOf(c, names[0]); }
    @SafeVarargs public final <Q> List<Q> list(Q... qs) { return Arrays.asList(qs); }
    synchronized native int nat(long a, double b);

    public int sw(int k) {
        switch (k) { case -3: return 1; case -2: return 2; case -1: return 3; case 0: return 4; default: return 0; }
    }
    public int lsw(int k) {
        switch (k) { case -1000000: return 1; case 7: return 2; case 1 << 30: return 3; default: return 4; }
    }
    public int ssw(String s) {
        switch (s) { case "a": return 1; case "FB": return 2; case "Ea": return 3; default: return 0; }
    }
    public String lambdas(List<String> l) {
        Function<String, Integer> f = String::length;
        Supplier<ArrayList<String>> s = ArrayList::new;
        BiFunction<Integer, Integer, Integer> add = Integer::sum;
        Runnable r = () -> { };
        int n = 0;
        for (String x : l) n += f.apply(x);
        return "n=" + n + s.get() + add.apply(1, 2) + r;
    }
    public Object casts(Object o) throws Exception {
        if (o instanceof String str && !str.isEmpty()) return (@T1 String) str;
        List<@T1 String> ls = new @T1 ArrayList<@T1 String>();
        try (Reader rd = new StringReader("x")) { rd.read(); } catch (@T1 IOException | RuntimeException e) { throw e; }
        synchronized (this) { ls.add("y"); }
        int[][][] cube = new int[2][3][];
        long[] ls2 = new long[1]; char[] cs = new char[1]; boolean[] bs = new boolean[1]; short[] ss = new short[1];
        float[] fs = new float[1]; double[] ds = new double[1]; byte[] by = new byte[1];
        assert o != null : "msg";
        return new Object() { public String toString() { return cube.length + "" + ls2[0] + cs[0] + bs[0] + ss[0] + fs[0] + ds[0] + by[0]; } };
    }
    public long wide() {
        long a0=0,a1=1,a2=2,a3=3,a4=4,a5=5,a6=6,a7=7,a8=8,a9=9,b0=0,b1=1,b2=2,b3=3,b4=4,b5=5,b6=6,b7=7,b8=8,b9=9;
        long c0=0,c1=1,c2=2,c3=3,c4=4,c5=5,c6=6,c7=7,c8=8,c9=9,d0=0,d1=1,d2=2,d3=3,d4=4,d5=5,d6=6,d7=7,d8=8,d9=9;
        long e0=0,e1=1,e2=2,e3=3,e4=4,e5=5,e6=6,e7=7,e8=8,e9=9,f0=0,f1=1,f2=2,f3=3,f4=4,f5=5,f6=6,f7=7,f8=8,f9=9;
        long g0=0,g1=1,g2=2,g3=3,g4=4,g5=5,g6=6,g7=7,g8=8,g9=9,h0=0,h1=1,h2=2,h3=3,h4=4,h5=5,h6=6,h7=7,h8=8,h9=9;
        long i0=0,i1=1,i2=2,i3=3,i4=4,i5=5,i6=6,i7=7,i8=8,i9=9,j0=0,j1=1,j2=2,j3=3,j4=4,j5=5,j6=6,j7=7,j8=8,j9=9;
        long k0=0,k1=1,k2=2,k3=3,k4=4,k5=5,k6=6,k7=7,k8=8,k9=9,l0=0,l1=1,l2=2,l3=3,l4=4,l5=5,l6=6,l7=7,l8=8,l9=9;
        long m0=0,m1=1,m2=2,m3=3,m4=4,m5=5,m6=6,m7=7,m8=8,m9=9,n0=0,n1=1,n2=2,n3=3,n4=4,n5=5,n6=6,n7=7,n8=8,n9=9;
        int last = 5; last += 1000; last -= 129; double dd = 2; float ff = 3; Object oo = null;
        return a0+a9+b9+c9+d9+e9+f9+g9+h9+i9+j9+k9+l9+m9+n9+last+(long)dd+(long)ff+(oo == null ? 0 : 1);
    }
    static { System.out.println(S); }
}

sealed interface Shape permits Circle, Square {
    double area();
    default String describe() { return "shape " + area(); }
    static Shape unit() { return new Square(1); }
    private int secret() { return 1; }
}
record Circle(@Deprecated double r) implements Shape { public double area() { return Math.PI * r * r; } }
record Square(double side) implements Shape {
    Square { if (side < 0) throw new IllegalArgumentException(); }
    public double area() { return side * side; }
}
enum Op {
    PLUS { int apply(int a, int b) { return a + b; } },
    MINUS { int apply(int a, int b) { return a - b; } };
    abstract int apply(int a, int b);
    static int run(Op o) { switch (o) { case PLUS: return 1; default: return 2; } }
}
abstract class Base<T> { protected abstract T make() throws Exception; }
interface Gen<A, B extends List<A>> extends Comparable<Gen<A, B>>, Cloneable { <C extends A> C pick(B b); }
`,
}

// Sources compiled for an old release: strictfp sets ACC_STRICT before 17,
// and the interface has no private methods to offer.
var oldSources = map[string]string{
	"Old.java": `
public class Old {
    public strictfp double f(double a) { return a / 3; }
    public static strictfp class S { }
    interface I { default int d() { return 1; } static void s() { } }
}
`,
}

// compileSamples compiles sources with javac and returns the classes as
// samples, in name order.
func compileSamples(t *testing.T, sources map[string]string, args ...string) []sample {
	t.Helper()
	dir := jvmtest.Javac(t, sources, args...)
	var out []sample
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".class") {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil {
			out = append(out, sample{"javac", filepath.Base(path), data})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

var allModes = []mode{
	{"-c -p", []string{"-c", "-p"}, Options{Code: true, Private: true}, 1},
	{"-c", []string{"-c"}, Options{Code: true}, 1},
	{"(no options)", nil, Options{}, 1},
	{"-p", []string{"-p"}, Options{Private: true}, 1},
	{"-v -p", []string{"-v", "-p"}, Options{Verbose: true, Private: true}, 1},
	{"-v", []string{"-v"}, Options{Verbose: true}, 1},
	{"-v -c", []string{"-v", "-c"}, Options{Verbose: true, Code: true}, 1},
}

func compareAllModes(t *testing.T, javapBin string, samples []sample) {
	t.Helper()
	for _, m := range allModes {
		st := compareWithJavap(t, javapBin, samples, m)
		if st.classes != len(samples) {
			t.Errorf("javap %s: compared %d classes of %d", m.name, st.classes, len(samples))
		}
		t.Logf("javap %s: %d classes, %d lines, %d instruction lines: %d mismatches", m.name, st.classes, st.lines, st.insns, st.mismatches)
		for _, f := range st.first {
			t.Errorf("javap %s: %s", m.name, f)
		}
	}
}

// TestCompiledAgainstJDKJavap compiles the sources above with debugging
// information and parameter names and compares every option set with
// javap.
func TestCompiledAgainstJDKJavap(t *testing.T) {
	javapBin := javapTool(t)
	samples := compileSamples(t, richSources, "-g", "-parameters", "-Xlint:none")
	samples = append(samples, compileSamples(t, oldSources, "--release", "11", "-Xlint:none")...)
	compareAllModes(t, javapBin, samples)
}

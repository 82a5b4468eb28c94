// Edge cases of Java's arithmetic, run once as bytecode and once with the
// methods compiled to native code; the two outputs must be identical.
public class Arith {
    static int iadd(int a, int b) { return a + b; }
    static int isub(int a, int b) { return a - b; }
    static int imul(int a, int b) { return a * b; }
    static int idiv(int a, int b) { return a / b; }
    static int irem(int a, int b) { return a % b; }
    static int ineg(int a) { return -a; }
    static int ishl(int a, int b) { return a << b; }
    static int ishr(int a, int b) { return a >> b; }
    static int iushr(int a, int b) { return a >>> b; }
    static int ibits(int a, int b) { return (a & b) ^ (a | ~b); }
    static long ladd(long a, long b) { return a + b; }
    static long lmul(long a, long b) { return a * b; }
    static long ldiv(long a, long b) { return a / b; }
    static long lrem(long a, long b) { return a % b; }
    static long lshl(long a, int b) { return a << b; }
    static long lshr(long a, int b) { return a >> b; }
    static long lushr(long a, int b) { return a >>> b; }
    static int lcmp(long a, long b) { return a < b ? -1 : a == b ? 0 : 1; }
    static float fadd(float a, float b) { return a + b; }
    static float fmul(float a, float b) { return a * b; }
    static float fdiv(float a, float b) { return a / b; }
    static float frem(float a, float b) { return a % b; }
    static double dadd(double a, double b) { return a + b; }
    static double ddiv(double a, double b) { return a / b; }
    static double drem(double a, double b) { return a % b; }
    static double dneg(double a) { return -a; }
    static int f2i(float f) { return (int) f; }
    static long f2l(float f) { return (long) f; }
    static int d2i(double d) { return (int) d; }
    static long d2l(double d) { return (long) d; }
    static float d2f(double d) { return (float) d; }
    static double l2d(long l) { return (double) l; }
    static float l2f(long l) { return (float) l; }
    static float i2f(int i) { return (float) i; }
    static int i2b(int i) { return (byte) i; }
    static int i2c(int i) { return (char) i; }
    static int i2s(int i) { return (short) i; }
    static int l2i(long l) { return (int) l; }
    static boolean fcmpl(float a, float b) { return a < b; }  // fcmpg
    static boolean fcmpg(float a, float b) { return a > b; }  // fcmpl
    static boolean dlt(double a, double b) { return a <= b; }
    static boolean dge(double a, double b) { return a >= b; }
    static int dcmp3(double a, double b) { return Double.compare(a, b) == 0 ? 0 : a < b ? -1 : a > b ? 1 : 2; }
    // Fault found when arrays became pinned: the parameter sat in a
    // caller-saved register that the pinning calls in the prologue
    // overwrote, and the loop read garbage (it hung).
    static int pinnedParamSurvivesPrologue(int[] a, int k) { return a.length > k ? a[k] : -1; }
    static int sum(int[] a) { int s = 0; for (int i = 0; i < a.length; i++) s += a[i]; return s; }
    static long lsum(long[] a, int from, int to) { long s = 0; for (int i = from; i < to; i++) s += a[i] * (i + 1); return s; }
    static double dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }
    static void fill(byte[] b, int v) { for (int i = 0; i < b.length; i++) b[i] = (byte) (v + i); }
    static int chars(char[] c) { int h = 0; for (char x : c) h = 31 * h + x; return h; }
    static int shorts(short[] s) { int h = 0; for (short x : s) h = 31 * h + x; return h; }
    static int bools(boolean[] z) { int n = 0; for (boolean x : z) if (x) n++; z[0] = !z[0]; return n; }
    static float fsum(float[] f) { float s = 0; for (float x : f) s += x; return s; }
    static int[] make(int n) { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = i * i; return a; }
    static int viaMake(int n) { return sum(make(n)); }
    static int sw(int k) { switch (k) { case 1: return 10; case 2: return 20; case 5: return 50; case 100: return 7; default: return -1; } }
    static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
    static double mixed(int a, long b, float c, double d, int e, long f, float g, double h, int i, long j, float k, double l,
                        float m, float n, float o, float p, float q) {
        return a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p + q;
    }
    static double callMixed(int x) { return mixed(x, 2L, 3f, 4d, 5, 6L, 7f, 8d, 9, 10L, 11f, 12d, 13f, 14f, 15f, 16f, 17f); }
    static int adler(int adler, byte[] buf, int off, int len) {
        int s1 = adler & 0xffff, s2 = (adler >>> 16) & 0xffff;
        while (len > 0) { s1 += buf[off++] & 0xff; s2 += s1; len--; }
        return ((s2 % 65521) << 16) | (s1 % 65521);
    }
    static int counter;
    static long total;
    static double[] table = {1.5, 2.5};
    int field = 3;
    double dfield = 0.5;
    static int bump(int k) { counter += k; total += counter; return counter; }
    static double tableSum() { double s = 0; for (int i = 0; i < table.length; i++) s += table[i]; return s; }
    int inst(int x) { field += x; dfield *= 2; return field; }
    // Fault found on jzlib's CRC32.getValue: the receiver, used by one
    // getfield only, sat in a caller-saved register that the field-ID
    // lookup inside that getfield overwrote ("Bad global or local ref").
    long receiverOnlyReadByGetfield() { return field & 0xffffffffL; }
    // Loops that look counted but are not all safe: their checks must stay.
    static int offByOne(int[] a) { int s = 0; for (int i = 0; i <= a.length; i++) s += a[i]; return s; }
    static int byN(int[] a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }
    static int step2(int[] a) { int s = 0; for (int i = 0; i < a.length; i += 2) s += a[i]; return s; }
    static int downward(int[] a) { int s = 0; for (int i = a.length - 1; i >= 0; i--) s += a[i]; return s; }
    static int twoArrays(int[] a, int[] b) { int s = 0; for (int i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }
    // Fault found on jzlib's Adler32.copy: a covariant override and its
    // bridge differ in the return type only, so their JNI names are one
    // symbol and the assembler refused the class ("already defined").
    static class Base { Object self(int k) { return k > 0 ? this : null; } }
    static class Derived extends Base { @Override Derived self(int k) { return k > 0 ? this : null; } }
    // Objects a loop gets from the JVM: each is a JNI local reference.
    static int boxes(int n) { int s = 0; for (int i = 0; i < n; i++) s += Integer.valueOf(i * 1000).hashCode(); return s; }
    // Fault found on commons-math3's FastFourierTransformer.transform: a
    // local reference deleted after its last use sat in a caller-saved
    // register that use (a call) overwrote ("Bad global or local ref").
    static int refDeletedAfterTheCallThatUsedIt(int n) {
        Object[] a = new Object[]{new int[n], Integer.valueOf(n)};
        return java.util.Arrays.deepHashCode(a) + String.valueOf(n).length();
    }
    static int casts(Object o) {
        if (o instanceof int[]) return ((int[]) o).length;
        if (o instanceof String) return ((String) o).length();
        return ((Number) o).intValue();
    }
    static String lit(int k) { return k > 0 ? "h\u00e9llo\u0000w\uD83D\uDE00" : "x"; }
    static int swapPhis(int n) { int a = 1, b = 2; for (int i = 0; i < n; i++) { int t = a; a = b; b = t; } return a * 10 + b; }
    static long manyLive(int n) {
        long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8, i = 9, j = 10;
        for (int k = 0; k < n; k++) { a += b; b ^= c; c += d << 1; d -= e; e *= 3; f += g; g |= h; h += i; i -= j; j += a; }
        return a + b + c + d + e + f + g + h + i + j;
    }
    static int newNeg(int n) { return new int[n].length; }

    static final int[] INTS = {0, 1, -1, 2, 7, -7, 31, 32, 33, 63, 64, 65521, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1};
    static final long[] LONGS = {0, 1, -1, 63, 64, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, -(1L << 40) + 3};
    static final float[] FLOATS = {0f, -0f, 1f, -1.5f, 2.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MAX_VALUE, Float.MIN_VALUE, 3e9f, -3e9f, 1e19f, -1e19f, 2147483520f, 0.1f};
    static final double[] DOUBLES = {0d, -0d, 1d, -1.5d, 2.5d, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MAX_VALUE, Double.MIN_VALUE, 3e9, -3e9, 1e19, -1e19, 2147483647.5, -2147483648.7, 9.223372036854776E18, 0.1};

    interface I2 { Object f(int a, int b); }
    interface L2 { Object f(long a, long b); }
    interface F2 { Object f(float a, float b); }
    interface D2 { Object f(double a, double b); }

    static void show(String name, java.util.concurrent.Callable<Object> c) {
        String r;
        try { r = String.valueOf(c.call()); } catch (Throwable t) { r = t.getClass().getName() + ": " + t.getMessage(); }
        System.out.println(name + " = " + r);
    }

    static void ii(String n, I2 f) { for (int a : INTS) for (int b : INTS) show(n + "(" + a + "," + b + ")", () -> f.f(a, b)); }
    static void ll(String n, L2 f) { for (long a : LONGS) for (long b : LONGS) show(n + "(" + a + "," + b + ")", () -> f.f(a, b)); }
    static void ff(String n, F2 f) { for (float a : FLOATS) for (float b : FLOATS) show(n + "(" + a + "," + b + ")", () -> f.f(a, b)); }
    static void dd(String n, D2 f) { for (double a : DOUBLES) for (double b : DOUBLES) show(n + "(" + a + "," + b + ")", () -> f.f(a, b)); }

    // The messages of the exceptions checks throw: HotSpot's, with JEP 358's
    // helpful NullPointerException text computed from the bytecode.
    static int[] sarr;
    Arith next;
    int[] farr;
    static int npeParam(int[] a) { return a[1]; }
    static int npeLocal(int[] a, boolean c) { int[] x = c ? a : null; return x.length; }
    static int npeStatic() { return sarr[0]; }
    static int npeChain(Arith o) { return o.next.farr[2]; }
    static void npePut(Arith o) { o.next.farr = null; }
    static long npe2D(long[][] a, int i) { return a[i][0]; }
    static void npeStore(byte[] b, int i) { b[i] = 1; }
    static String npeCall(Object o) { return o.toString(); }
    static int[] arr0() { return null; }
    static int npeRet() { return arr0().length; }
    static void npeThrow(RuntimeException e) { throw e; }
    static int npeSipush(int[][] a) { return a[300][1]; }
    int npeThis() { return next.farr.length; }
    static int aioobe(int[] a, int i) { return a[i]; }
    static int[] nase(int n) { return new int[n]; }

    // checkcast, instanceof and anewarray resolve a class but do not
    // initialise it (JVMS §5.5): Lazy's initializer prints only at new.
    static class Lazy { static { System.out.println("Lazy initialised"); } }
    static boolean isLazy(Object o) { return o instanceof Lazy; }
    static Object castLazy(Object o) { return (Lazy) o; }
    static int lazies(int n) { return new Lazy[n].length; }
    static Object newLazy() { return new Lazy() != null; }
    static String lazyName() { return Lazy.class.getName(); }
    static int[][] grid(int a, int b) { return new int[a][b]; }
    static int cube(int n) { long[][][] c = new long[n][n][]; return c.length + c[n - 1].length; }
    static Object storeInto(Object[] a, Object x) { a[0] = x; return a[0]; }
    // Compiled code calls compiled code directly: a deep recursion must end
    // in StackOverflowError, as in HotSpot, not in a crash.
    static int down(int n) { return n == 0 ? 0 : 1 + down(n - 1); }

    public static void main(String[] args) {
        show("lazyInstanceOf", () -> isLazy("x"));
        show("lazyCastNull", () -> castLazy(null));
        show("lazyCastFails", () -> castLazy("x"));
        show("lazyArray", () -> lazies(2));
        show("lazyName", () -> lazyName());
        show("grid", () -> grid(2, 3).length + " " + grid(2, 3)[1].length + " " + grid(0, -1).length);
        show("gridNeg", () -> grid(2, -1));
        show("gridNeg0", () -> grid(-5, 1));
        show("cube", () -> cube(3));
        show("cube0", () -> cube(0));
        show("lazyNew", () -> newLazy());
        show("storeInto", () -> storeInto(new Integer[1], 7));
        show("down", () -> down(2000));
        show("downForever", () -> down(-1));
        show("downAgain", () -> down(3000));
        show("storeIntoWrong", () -> storeInto(new String[1], 7));
        show("storeIntoWrong2D", () -> storeInto(new int[1][], new long[0]));
        show("npeParam", () -> npeParam(null));
        show("npeLocal", () -> npeLocal(null, false));
        show("npeStatic", () -> npeStatic());
        show("npeChain", () -> npeChain(new Arith()));
        show("npeChainNull", () -> npeChain(null));
        show("npePut", () -> { npePut(new Arith()); return 0; });
        show("npe2D", () -> npe2D(new long[3][], 2));
        show("npeStore", () -> { npeStore(null, 0); return 0; });
        show("npeCall", () -> npeCall(null));
        show("npeRet", () -> npeRet());
        show("npeThrow", () -> { npeThrow(null); return 0; });
        show("npeSipush", () -> npeSipush(new int[301][]));
        show("npeThis", () -> new Arith().npeThis());
        for (int i : new int[]{-1, 3, Integer.MIN_VALUE, Integer.MAX_VALUE}) { int ii = i; show("aioobe" + i, () -> aioobe(new int[3], ii)); }
        for (int n : new int[]{-1, Integer.MIN_VALUE, -1234567}) { int nn = n; show("nase" + n, () -> nase(nn)); }
        ii("iadd", Arith::iadd); ii("isub", Arith::isub); ii("imul", Arith::imul); ii("idiv", Arith::idiv);
        ii("irem", Arith::irem); ii("ishl", Arith::ishl); ii("ishr", Arith::ishr); ii("iushr", Arith::iushr);
        ii("ibits", Arith::ibits); ii("ineg", (a, b) -> ineg(a));
        ll("ladd", Arith::ladd); ll("lmul", Arith::lmul); ll("ldiv", Arith::ldiv); ll("lrem", Arith::lrem);
        ll("lcmp", Arith::lcmp); ll("lshl", (a, b) -> lshl(a, (int) b)); ll("lshr", (a, b) -> lshr(a, (int) b));
        ll("lushr", (a, b) -> lushr(a, (int) b)); ll("l2d", (a, b) -> l2d(a)); ll("l2f", (a, b) -> l2f(a)); ll("l2i", (a, b) -> l2i(a));
        ff("fadd", Arith::fadd); ff("fmul", Arith::fmul); ff("fdiv", Arith::fdiv); ff("frem", Arith::frem);
        ff("fcmpl", Arith::fcmpl); ff("fcmpg", Arith::fcmpg); ff("f2i", (a, b) -> f2i(a)); ff("f2l", (a, b) -> f2l(a));
        dd("dadd", Arith::dadd); dd("ddiv", Arith::ddiv); dd("drem", Arith::drem); dd("dneg", (a, b) -> dneg(a));
        dd("dlt", Arith::dlt); dd("dge", Arith::dge); dd("dcmp3", Arith::dcmp3);
        dd("d2i", (a, b) -> d2i(a)); dd("d2l", (a, b) -> d2l(a)); dd("d2f", (a, b) -> d2f(a));
        ii("i2f", (a, b) -> i2f(a)); ii("i2b", (a, b) -> i2b(a)); ii("i2c", (a, b) -> i2c(a)); ii("i2s", (a, b) -> i2s(a));
        show("sum", () -> sum(new int[]{1, 2, 3, Integer.MAX_VALUE}));
        show("pinnedParamSurvivesPrologue", () -> pinnedParamSurvivesPrologue(new int[]{4, 5}, 1) + " " + pinnedParamSurvivesPrologue(new int[]{4}, 1));
        show("sumNull", () -> sum(null));
        show("lsum", () -> lsum(new long[]{5, 6, 7}, 0, 3));
        show("lsumBad", () -> lsum(new long[]{5, 6, 7}, 1, 4));
        show("lsumNeg", () -> lsum(new long[]{5, 6, 7}, -1, 2));
        show("dot", () -> dot(new double[]{1.5, 2, 3}, new double[]{4, 5, 6}));
        show("dotShort", () -> dot(new double[]{1.5, 2, 3}, new double[]{4, 5}));
        byte[] bs = new byte[5];
        show("fill", () -> { fill(bs, 125); return java.util.Arrays.toString(bs); });
        show("chars", () -> chars("h\u00e9llo\uffff".toCharArray()));
        show("shorts", () -> shorts(new short[]{-1, 32767, -32768}));
        boolean[] zs = {true, false, true};
        show("bools", () -> bools(zs) + " " + zs[0]);
        show("fsum", () -> fsum(new float[]{0.1f, 0.2f, 0.3f}));
        show("make", () -> java.util.Arrays.toString(make(6)));
        show("makeNeg", () -> make(-2));
        show("viaMake", () -> viaMake(100));
        show("newNeg", () -> newNeg(-1));
        for (int k = -1; k < 7; k++) { int kk = k; show("sw" + k, () -> sw(kk)); }
        show("sw100", () -> sw(100));
        show("fib", () -> fib(20));
        show("callMixed", () -> callMixed(1));
        byte[] data = "The quick brown fox jumps over the lazy dog".getBytes();
        show("adler", () -> adler(1, data, 0, data.length));
        show("adlerBad", () -> adler(1, data, 40, 10));
        show("bump", () -> bump(3) + bump(4) + " " + total);
        show("tableSum", () -> tableSum());
        Arith o = new Arith();
        show("inst", () -> o.inst(4) + " " + o.dfield);
        show("receiverOnlyReadByGetfield", () -> new Arith().receiverOnlyReadByGetfield());
        int[] five = {1, 2, 3, 4, 5};
        show("offByOne", () -> offByOne(five));
        show("byN", () -> byN(five, 5) + " " + byN(five, 6));
        show("step2", () -> step2(five));
        show("downward", () -> downward(five));
        show("twoArrays", () -> twoArrays(five, new int[]{1, 1, 1, 1, 1}));
        show("twoArraysShort", () -> twoArrays(five, new int[]{1, 1}));
        show("twoArraysNull", () -> twoArrays(null, five));
        show("bridgeAndCovariantOverrideShareAJniName", () -> { Base b = new Derived(); return (b.self(1) == b) + " " + b.self(0); });
        show("boxes", () -> boxes(5000));
        show("refDeletedAfterTheCallThatUsedIt", () -> refDeletedAfterTheCallThatUsedIt(3));
        show("castsArray", () -> casts(new int[3]));
        show("castsString", () -> casts("abcd"));
        show("castsNumber", () -> casts(7L));
        show("castsNull", () -> casts(null));
        show("castsObject", () -> casts(new Object()));
        show("lit", () -> lit(1).length() + " " + (lit(1) == "h\u00e9llo\u0000w\uD83D\uDE00") + " " + lit(0) + " " + lit(1).codePointAt(8));
        show("swapPhis", () -> swapPhis(3) + " " + swapPhis(4));
        show("manyLive", () -> manyLive(1000));
    }
}

package t;

/** One method per construct the back ends lower; the harness runs each on seeded inputs. */
public class Ops {
    static int counter;
    static long[] hist = new long[4];
    int a;
    long b;
    float c;
    double d;
    byte e;
    char f;
    short g;
    boolean h;

    static int iarith(int x, int y) { return (x + y) * (x - y) ^ (x | 7) & ~y; }
    static long larith(long x, long y) { return (x + y) * (x - y) ^ (x | 7) & ~y; }
    static int idiv(int x, int y) { return x / y + x % y; }
    static long ldiv(long x, long y) { return x / y - x % y; }
    static int idivConst(int x) { return x / 7 + x % -3 + x / -1; }
    static int shifts(int x, int n) { return (x << n) + (x >> n) + (x >>> n) + (x << 35) + (x >>> 33); }
    static long lshifts(long x, int n) { return (x << n) + (x >> n) + (x >>> n) + (x >>> 65); }
    static int narrow(int x) { return (byte) x + (char) x * 3 + (short) x * 5; }
    static int l2i(long x) { return (int) x; }
    static float i2f(int x) { return x; }
    static float l2f(long x) { return x; }
    static double l2d(long x) { return x; }
    static double i2d(int x) { return x; }
    static float d2f(double x) { return (float) x; }
    static double f2d(float x) { return x; }
    static int f2i(float x) { return (int) x; }
    static long f2l(float x) { return (long) x; }
    static int d2i(double x) { return (int) x; }
    static long d2l(double x) { return (long) x; }
    static float farith(float x, float y) { return (x + y) * (x - y) / (y * 0.5f) - x; }
    static double darith(double x, double y) { return (x + y) * (x - y) / (y * 0.5) - x; }
    static float frem(float x, float y) { return x % y; }
    static double drem(double x, double y) { return x % y; }
    static double dneg(double x) { return -x; }
    static float fneg(float x) { return -x; }
    static int fcmp(float x, float y) { return (x < y ? 1 : 0) + (x > y ? 2 : 0) + (x == y ? 4 : 0) + (x != y ? 8 : 0) + (x <= y ? 16 : 0) + (x >= y ? 32 : 0); }
    static int dcmp(double x, double y) { return (x < y ? 1 : 0) + (x > y ? 2 : 0) + (x == y ? 4 : 0) + (x != y ? 8 : 0) + (x <= y ? 16 : 0) + (x >= y ? 32 : 0); }
    static int lcmp(long x, long y) { return (x < y ? 1 : 0) + (x > y ? 2 : 0) + (x == y ? 4 : 0); }
    static int bytes(byte[] a, int i, int v) { a[i] = (byte) v; a[i + 1] += a[i]; return a[i] + a[i + 1]; }
    static int chars(char[] a, int i, int v) { a[i] = (char) v; a[i + 1] += a[i]; return a[i] + a[i + 1]; }
    static int shorts(short[] a, int i, int v) { a[i] = (short) v; a[i + 1] += a[i]; return a[i] + a[i + 1]; }
    static boolean bools(boolean[] a, int i) { a[i] = !a[i]; return a[i] ^ a.length > 3; }
    static long longs(long[] a) { long s = 0; for (int i = 0; i < a.length; i++) { s = s * 31 + a[i]; a[i] = s; } return s; }
    static double doubles(double[] a) { double s = 0; for (int i = 0; i < a.length; i++) { s += a[i] * a[i]; a[i] = s; } return s; }
    static float floats(float[] a) { float s = 1; for (float x : a) s *= x; return s; }
    static int[] make(int n) { int[] r = new int[n & 1023 - 512]; for (int i = 0; i < n; i++) r[i] = i * i; return r; }
    static byte[] makeBytes(int n) { byte[] r = new byte[n % 100]; for (int i = 0; i < n; i++) r[i] = (byte) (i * 37); return r; }
    static int statics(int x) { counter += x; hist[x & 3]++; return counter; }
    int fields(int x) { a += x; b -= a; c += x; d *= 2; e++; f--; g += x; h = !h; return a + e + f + g; }
    static int swapLoop(int x, int y, int n) { n &= 1023; for (int i = 0; i < n; i++) { int t = x; x = y; y = t + i; } return x * 31 + y; }
    static long many(int p1, long p2, float p3, double p4, int p5, long p6, int p7, double p8, long p9) {
        return p1 + p2 + (long) p3 + (long) p4 + p5 + p6 + p7 + (long) p8 + p9;
    }
    static long callsMany(int x, long y) { return many(x, y, x, y, x + 1, y + 1, x * 2, y * 0.5, x - y) + many(1, 2, 3, 4, 5, 6, 7, 8, 9); }
    static double pressure(double[] v, int n) {
        double a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7, a7 = 8, a8 = 9, a9 = 10;
        long b0 = 1, b1 = 2, b2 = 3, b3 = 4, b4 = 5, b5 = 6, b6 = 7, b7 = 8, b8 = 9, b9 = 10, b10 = 11, b11 = 12;
        for (int i = 0; i < n && i < v.length; i++) {
            a0 += v[i]; a1 *= a0; a2 -= a1; a3 += a2 * 0.5; a4 -= a3; a5 += a4; a6 = a5 - a6; a7 += a6; a8 -= a7; a9 += a8;
            b0 += i; b1 ^= b0; b2 += b1; b3 -= b2; b4 += b3 << 1; b5 ^= b4; b6 += b5; b7 -= b6; b8 += b7; b9 ^= b8; b10 += b9; b11 -= b10;
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + (b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8 + b9 + b10 + b11);
    }
    static int recurse(int n) { n &= 15; return n <= 1 ? 1 : n * recurse(n - 1) + recurse(n - 2) % 7; }
    /** f2d of a subnormal float: cpys passed lds's register form of 2^-149 on as 2^-1045. */
    static double f2dSubnormal(float x) { return (double) (x * 1e-40f); }
    /** frem of a subnormal float: fmod got the same wrong double. */
    static float fremSubnormal(float x, float y) { return (x * 1e-40f) % y; }
    /** f2i of the smallest subnormal: cvttq without software completion raised SIGFPE. */
    static int f2iSubnormal(float x) { return (int) (x * Float.MIN_VALUE); }
    /** The exceptions' messages: the index and length, the negative size, JEP 358's text. */
    static int messages(int[] a, int i, byte[] b) { return a[i & 7] + new int[i % 3].length + b.length + b[a.length]; }
    /** Recursion of compiled code: endless below 0 (StackOverflowError, as in HotSpot), else at most 1023 deep (both take it). */
    static int recursion(int n) { return n < 0 ? 1 + recursion(n) : (n & 1023) == 0 ? 0 : 1 + recursion((n & 1023) - 1); }
    /** amd64 regression (progen, seed 32): dead code removed the constant branch's other side and left a phi of one
     *  operand after a branch, whose move the back end lost: x came out as the inner loop's bound. */
    static int phiAfterBranch(int x, double d, int[] a) {
        long z = 0L;
        for (int k = 0; k < 1; k++) {
            if ((double) (-(float) 0L) != (double) z) {
                x += 1;
            } else {
                for (int j = 0; j < (((short) (int) d) & 15); j++) x += a[j & 7] | k;
            }
        }
        return x;
    }
}

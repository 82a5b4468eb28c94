public class Kernels {
    static int sum(int[] a) { int s = 0; for (int i = 0; i < a.length; i++) s += a[i]; return s; }
    static int div(int a, int b) { return a / b; }
    static long rem(long a, long b) { return a % b; }
    static int f2i(float f) { return (int) f; }
    static long d2l(double d) { return (long) d; }
    static int cmp(double a, double b) { return a < b ? -1 : a > b ? 1 : 0; }
    static int fold() { int x = 7; int y = x * 6; return y << 33; }
    static int sw(int k) { switch (k) { case 1: return 10; case 2: return 20; case 5: return 50; default: return -1; } }
    static int adler(int adler, byte[] buf, int off, int len) {
        int s1 = adler & 0xffff, s2 = (adler >>> 16) & 0xffff;
        while (len > 0) { s1 += buf[off++] & 0xff; s2 += s1; len--; }
        return ((s2 % 65521) << 16) | (s1 % 65521);
    }
    static int twice(int x) { return sum(new int[]{x, x}); }
    static final int[] TABLE = {1, 2, 3};
    static int counter;
    static int tsum(int n) { int s = 0; for (int i = 0; i < n; i++) s += TABLE[i % 3]; return s; }
    static int bumps(int n) { for (int i = 0; i < n; i++) counter += counter; return counter; }
    int field;
    int getF() { return field + 1; }
}

import java.util.Arrays;

// Loops that make no JNI call in methods that make some (a call of a
// compiled method, a volatile field's read): their arrays are pinned on the
// way into the loop and released on every way out (the loop's exit, a
// break, a return, a check that throws inside). And rows of a reference
// array read through a small leaf that is inlined, the row loaded once.
// Run as bytecode and compiled, under -Xcheck:jni: the same output.
public class Stretch {
    static volatile int vol = 2;

    // Compiled, too big to inline, and it pins its own array: a call.
    static int mix(int[] a, int n) {
        int h = 17;
        for (int i = 0; i < n && i < a.length; i++) {
            h = h * 31 + a[i];
            h ^= h >>> 7;
            a[i] = a[i] + (h & 3);
        }
        return h;
    }

    // FFT's shape: a call, then per stage a JNI call and a loop nest.
    static double stages(double[] re, double[] im, int[] idx, int n) {
        int h = mix(idx, 4);
        double s = 0;
        for (int st = 0; st < n; st++) {
            int k = vol;
            for (int i = 0; i + 1 < re.length; i += 2) {
                double a = re[i], b = im[i + 1];
                re[i] = a + b * 0.5;
                im[i + 1] = a - b;
                for (int j = 0; j < k; j++) {
                    idx[(i + j) % idx.length] += h & 7;
                }
                s += re[i];
            }
        }
        return s + idx[0];
    }

    // A return and a break from inside the loop, then another stretch.
    static int search(int[] a, int key) {
        mix(a, 1);
        for (int i = 0; i < a.length; i++) {
            if (a[i] == key) {
                return i;
            }
            if (a[i] < 0) {
                break;
            }
            a[i] += 1;
        }
        int v = vol;
        int s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * v;
        }
        return -s;
    }

    // The bound is not the array's: the index check fails inside the
    // stretch after some stores.
    static int bounded(int[] a, int n) {
        mix(a, 1);
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i];
            a[i] = s;
        }
        return s;
    }

    // A division by zero inside the stretch.
    static int divide(int[] a, int d) {
        mix(a, 2);
        int s = 0;
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i] / d;
            s += a[i];
        }
        return s;
    }

    // Two names of one array, both pinned: under -Xcheck:jni each
    // GetPrimitiveArrayCritical is a copy, so two pins of one array lose
    // the stores made through the other name (aliasPinnedTwice: HotSpot
    // prints aliasWhole 0 = 35, the compiled method gave 20, for the
    // whole-method pins as for a stretch's).
    static long aliasWhole(long[] a, long[] b) {
        long s = 0;
        for (int i = 1; i < a.length && i < b.length; i++) {
            a[i] = b[i - 1] + 2;
            s += b[i];
        }
        return s;
    }

    static long alias(long[] a, long[] b) {
        int v = vol;
        long s = 0;
        for (int i = 1; i < a.length && i < b.length; i++) {
            a[i] = b[i - 1] + v;
            s += b[i];
        }
        return s;
    }

    static final float[][] G = {
        {1, 1, 0}, {-1, 1, 0}, {1, -1, 0}, {-1, -1, 0},
        {1, 0, 1}, {-1, 0, 1}, {1, 0, -1}, {-1, 0, -1},
        {0, 1, 1}, {0, -1, 1}, {0, 1, -1}, {0, -1, -1},
        {1, 1, 0}, {0, -1, 1}, {-1, 1, 0}, {0, -1, -1}};

    // A leaf of about 40 bytes, as sunflow's PerlinScalar.grad: inlined,
    // the row G[k] loaded once for its three elements.
    private static float grad(int h, float x, float y, float z) {
        int k = h & 15;
        return x * G[k][0] + y * G[k][1] + z * G[k][2];
    }

    static float noise(int[] p, float x, float y, float z) {
        int i = (int) x & 255;
        return grad(p[i], x, y, z) + grad(p[i + 1], y, z, x) + grad(p[i + 2], z, x, y) * 0.5f;
    }

    // A leaf over a table it is passed: rows of it, one of them short.
    private static float dot(float[][] t, int k, float x, float y) {
        return x * t[k][0] + y * t[k][1] + t[k][2];
    }

    static float dots(float[][] t, float x) {
        return dot(t, 0, x, x) + dot(t, 1, x, -x) + dot(t, 2, -x, x);
    }

    // The row read again after an aastore or a call: the new row.
    static float rowStore(float[][] t) {
        float a = t[0][0];
        t[0] = t[1];
        return a + t[0][0];
    }

    static void swap(float[][] t) {
        float[] r = t[0];
        t[0] = t[1];
        t[1] = r;
    }

    static float rowCall(float[][] t) {
        float a = t[0][0];
        swap(t);
        return a + t[0][0] * 2;
    }

    // Read buffers: an array read twice is copied once; a call that
    // writes it, a volatile read, a new row in a loop, a phi of two arrays
    // and an array longer than the buffer must all read what HotSpot reads.
    static void bump(int[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] += 100;
        }
    }

    static int bufCall(int[] a) {
        int x = a[0] + a[1];
        bump(a);
        return x * 1000 + a[0] + a[1];
    }

    static int bufVolatile(int[] a, int i) {
        int x = a[i] + a[0];
        x += vol;
        return x + a[i] * 3;
    }

    static float rowsLoop(float[][] t) {
        float s = 0;
        for (int i = 0; i < t.length; i++) {
            float[] r = t[i];
            s = s * 2 + r[0] * r[r.length - 1];
            mix(new int[] {i}, 1);
        }
        return s;
    }

    static int bufPhi(int[] x, int[] y, boolean c, int i) {
        int[] a = c ? x : y;
        return a[i] * 7 + a[0] + mix(x, 1);
    }

    // A static field of another class may run its initializer, which here
    // writes the array read before and after (bufferAcrossClassInit: the
    // buffer kept the old a[0], 403 for HotSpot's 452).
    static final int[] shared = {1, 2};

    static int poke() {
        shared[0] = 50;
        return 1;
    }

    static class Late {
        static int x = poke();
    }

    static int bufInit(int[] a) {
        int s = a[0] + a[1];
        s += Late.x;
        return s * 100 + a[0] + a[1];
    }

    interface Run {
        Object run();
    }

    static void show(String what, Run r) {
        try {
            Object x = r.run();
            System.out.println(what + " = " + x);
        } catch (RuntimeException e) {
            System.out.println(what + " threw " + e);
        }
    }

    public static void main(String[] args) {
        for (int k = 0; k < 5; k++) {
            final int n = k, m = k;
            double[] re = new double[2 * n + 1], im = new double[2 * n + 1];
            int[] idx = new int[n + 1];
            for (int i = 0; i < re.length; i++) {
                re[i] = i * 0.25 - 1;
                im[i] = 3 - i;
            }
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i * 7 - 3;
            }
            show("stages " + n, () -> stages(re, im, idx, m + 1));
            System.out.println(Arrays.toString(re) + Arrays.toString(im) + Arrays.toString(idx));
            int[] a = {5, 3, -1, 9, 4, 2};
            show("search " + n, () -> search(a, n + 3));
            System.out.println(Arrays.toString(a));
            int[] b = {1, 2, 3, 4};
            show("bounded " + n, () -> bounded(b, 2 * m));
            System.out.println(Arrays.toString(b));
            int[] c = {10, -20, 30, 40};
            show("divide " + n, () -> divide(c, m - 2));
            System.out.println(Arrays.toString(c));
            long[] l = {1, 2, 3, 4, 5, 6};
            show("alias " + n, () -> alias(l, l));
            System.out.println(Arrays.toString(l));
            long[] w = {1, 2, 3, 4, 5, 6};
            show("aliasWhole " + n, () -> aliasWhole(w, w));
            System.out.println(Arrays.toString(w));
            long[] l2 = new long[n];
            show("alias2 " + n, () -> alias(l2, l));
            System.out.println(Arrays.toString(l2));
            int[] p = new int[258];
            for (int i = 0; i < p.length; i++) {
                p[i] = (i * 151 + n) % 256;
            }
            show("noise " + n, () -> noise(p, n * 37.5f + 0.25f, n * 1.5f, -n));
            float[][] t = {{1, 2, 3}, {4, 5, 6}, n == 3 ? new float[] {7, 8} : new float[] {7, 8, 9}};
            if (n == 4) {
                t[1] = null;
            }
            show("dots " + n, () -> dots(t, n + 0.5f));
            show("rowStore " + n, () -> rowStore(new float[][] {{n}, {n + 10}}));
            show("rowCall " + n, () -> rowCall(new float[][] {{n}, {n + 10}}));
        }
        int[] big = new int[1000];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * i;
        }
        show("bufInit", () -> bufInit(shared));
        show("bufCall", () -> bufCall(new int[] {3, 4}));
        show("bufCall short", () -> bufCall(new int[] {3}));
        show("bufVolatile", () -> bufVolatile(new int[] {5, 6, 7}, 2));
        show("bufVolatile big", () -> bufVolatile(big, 999));
        show("bufVolatile out", () -> bufVolatile(big, 1000));
        show("rowsLoop", () -> rowsLoop(new float[][] {{1, 2}, {3, 4, 5}, {6}, {7, 8}}));
        show("rowsLoop null row", () -> rowsLoop(new float[][] {{1, 2}, null}));
        show("bufPhi x", () -> bufPhi(new int[] {1, 2, 3}, big, true, 2));
        show("bufPhi y", () -> bufPhi(new int[] {1, 2, 3}, big, false, 998));
        show("stages null", () -> stages(null, new double[1], new int[1], 1));
        show("search null", () -> search(null, 1));
        show("noise short", () -> noise(new int[3], 2.5f, 1, 1));
        show("dots null", () -> dots(null, 1));
    }
}

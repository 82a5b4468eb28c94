/**
 * Fields the compiler keeps in registers (PromoteFields): each method writes
 * fields of its class and then returns or throws; HotSpot's answer, fields
 * included, is the expectation (dvmlab compile --arch amd64 --exec
 * 'Promote.divide(II)I' --seed 3 --count 300 DIR: all but alias, whose
 * object argument the harness cannot make up). divide found that the
 * write-back on the way out overwrote the result register.
 */
public class Promote {
    int acc;
    long total;
    double mean;
    float scale;
    volatile int seen;
    static int hits;
    static long sum;

    // The stores must be visible when the bounds check throws.
    public void accumulate(int[] a, int n) {
        for (int i = 0; i < n; i++) {
            acc += a[i];
            total += (long) a[i] * a[i];
        }
        mean = (double) total / (acc == 0 ? 1 : acc);
    }

    // An ArithmeticException after stores; the static fields too.
    public static int divide(int x, int y) {
        hits++;
        sum += x;
        int q = x / y;
        hits += q;
        return q;
    }

    // A store on one path only: the other path must not write.
    public void maybe(int x) {
        if (x > 0) {
            scale = scale * 0.5f + x;
            acc = x;
        }
        total += acc;
    }

    // A volatile field stays a JNI access; the others are promoted.
    public int mixed(int n) {
        for (int i = 0; i < (n & 255); i++) {
            seen = i;
            acc += seen;
        }
        return acc;
    }

    // Another object of the class may be the receiver: acc stays.
    public int alias(Promote p, int n) {
        for (int i = 0; i < (n & 255); i++) {
            acc++;
            if (p != null) p.acc += 2;
        }
        return acc;
    }

    // Math methods computed in place (native.Intrinsic), on the harness's
    // edge values: NaN, infinities, -0.0, subnormals, MIN and MAX.
    public static double floorOf(double x) { return Math.floor(x); }
    public static double ceilOf(double x) { return Math.ceil(x); }
    public static double sqrtOf(double x) { return Math.sqrt(x); }
    public static double absOf(double x) { return Math.abs(x); }
    public static float absOfF(float x) { return Math.abs(x); }
    public static double strict(double x) { return StrictMath.floor(x) + StrictMath.sqrt(x); }
}

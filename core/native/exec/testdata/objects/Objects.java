package t;

/**
 * What the Alpha runtime's objects cover, beside the commons-math3 FFT:
 * arrays of arrays (rectangular, ragged, null rows), enum parameters and
 * enum constants in static fields (== between them, switch over an enum
 * through javac's $SwitchMap, ordinal()), static calls into another class,
 * static fields of another class, Math.sqrt, and exceptions whose
 * constructors stay Java code (new T / args / T.<init> / athrow).
 */
public final class Objects {
    /** Thrown with a message the Alpha runtime cannot make. */
    static final class Mismatch extends IllegalArgumentException {
        Mismatch(int got, int want) {
            super("got " + got + ", want " + want);
        }
    }

    /** The sum of every element; a null row throws NullPointerException. */
    public static double sum(double[][] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double[] r = a[i];
            for (int j = 0; j < r.length; j++) s += r[j];
        }
        return s;
    }

    /** Swaps rows 0 and 1 and scales them by Helper's factor for mode. */
    public static void swapScale(double[][] a, Mode m) {
        if (a.length != 2) throw new Mismatch(a.length, 2);
        double[] t = a[0];
        a[0] = a[1];
        a[1] = t;
        double f = Helper.factor(m);
        for (double[] r : a) {
            if (r == null) throw new IllegalStateException();
            for (int j = 0; j < r.length; j++) r[j] *= f;
        }
    }

    /** A switch over an enum, and == with a constant of a static field. */
    public static int code(Mode m) {
        if (m == Helper.DEFAULT) return 100;
        switch (m) {
            case A: return 1;
            case B: return Helper.TABLE[m.ordinal()];
            default: return -m.ordinal();
        }
    }

    /** Ints of a 3-D array through another class's static method. */
    public static long total(int[][][] a) {
        long s = 0;
        for (int[][] p : a) {
            if (p == null) continue;
            for (int[] r : p) s += Helper.sum(r);
        }
        return s;
    }

    /** Norms of rows, through Math.sqrt; rows must be of one length. */
    public static void norms(double[][] a, double[] out) {
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != a[0].length) throw new Mismatch(a[i].length, a[0].length);
            double s = 0;
            for (double x : a[i]) s += x * x;
            out[i] = Math.sqrt(s);
        }
    }
}

enum Mode { A, B, C, D }

final class Helper {
    static final Mode DEFAULT = Mode.D;
    static final int[] TABLE = {7, 11, 13, 17};

    static double factor(Mode m) {
        return m == Mode.A ? 0.5 : m == null ? -1 : m.ordinal() + 1.25;
    }

    static long sum(int[] r) {
        if (r == null) throw new AssertionError();
        long s = 0;
        for (int x : r) s += x;
        return s;
    }
}

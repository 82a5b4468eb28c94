package t;

/**
 * Float arguments past the sixth travel in memory, which the Alpha calling
 * convention (and gcc, which builds the harness that calls these) keeps in
 * S_floating format: written by sts, read by lds. Read by ldt as a T_floating
 * double, sunflow's PerlinScalar.grad(IFFFF)F saw its last float as a
 * denormal double and differed from HotSpot on 262 of 1,000 inputs.
 */
final class FloatArgOnStack {
    static final float[][] G4 = new float[32][];

    static {
        for (int i = 0; i < 32; i++) {
            G4[i] = new float[] {i & 1, (i >> 1) & 1, 1f, (i % 3) - 1};
        }
    }

    /** Called by the harness: w is the seventh argument, on the stack. */
    static float grad(int hash, float x, float y, float z, float w) {
        int h = hash & 31;
        return x * G4[h][0] + y * G4[h][1] + z * G4[h][2] + w * G4[h][3];
    }

    /** Mixed kinds past the sixth argument, doubles among them. */
    static double mixed(int a, float b, long c, double d, float e, int f, float g, double h) {
        return a + b * 2 + c + d * 4 + e * 5 + f + g * 7 + h * 8;
    }

    private static float seven(float a, float b, float c, float d, float e, float f, float g) {
        return a + b - c + d - e + f * g;
    }

    /** Compiled code calling compiled code with floats on the stack. */
    static float outer(float x, float y) {
        return seven(x, y, x * 2, y * 3, x - y, y - x, x * y);
    }
}

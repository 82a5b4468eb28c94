package t;

/** Tables as large as sunflow's QMC and lucene's LZ4 hash chains: state
 *  compiled code only reads travels to the Alpha runtime once, state it
 *  can change is compared after every call. */
public class BigTables {
    static final int[] PRIMES = new int[4096];
    static final int[][] SIGMA = new int[64][];
    static long[] sums = new long[8192];
    static int calls;

    static {
        int n = 0;
        for (int p = 2; n < PRIMES.length; p++) {
            boolean prime = true;
            for (int q = 2; q * q <= p; q++) {
                if (p % q == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) PRIMES[n++] = p;
        }
        for (int i = 0; i < SIGMA.length; i++) {
            SIGMA[i] = new int[PRIMES[i]];
            for (int j = 0; j < SIGMA[i].length; j++) SIGMA[i][j] = (j * 7 + i) % PRIMES[i];
        }
    }

    /** Reads the tables only: both stable. */
    static double halton(int d, int i) {
        d &= 63;
        int base = PRIMES[d];
        int[] perm = SIGMA[d];
        double inv = 1.0 / base, f = inv, r = 0;
        for (int k = i & 0xfffff; k > 0; k /= base) {
            r += perm[k % base] * f;
            f *= inv;
        }
        return r;
    }

    /** Writes a static and stores into a long array: neither stable. */
    static long count(int i) {
        calls++;
        sums[i & 8191] += i;
        return sums[i & 8191] + PRIMES[i & 4095];
    }

    /** Reads sums, which only count stores into: stable for this method. */
    static long sum(int i) {
        return sums[i & 8191];
    }

    int[] chain = new int[65536];
    int base;

    /** Stores into the receiver's table: not stable. */
    int insert(int h) {
        int i = (h ^ base) & 65535;
        chain[i] = chain[i] * 31 + h;
        return chain[i];
    }

    /** Reads the receiver's table: stable, the same for every receiver. */
    int peek(int h) {
        return chain[(h ^ base) & 65535] + base;
    }
}

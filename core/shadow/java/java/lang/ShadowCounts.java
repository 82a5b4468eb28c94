package java.lang;

/**
 * The in-process equivalent of a counting analysis: the same hooks, but
 * counting here, in Java, inside the observed VM. It uses no other class,
 * so that hooks in java.base do not recurse into it; the agent reads the
 * counts at VM death.
 */
public final class ShadowCounts {
    private static final Object lock = new Object();
    private static long[] counts = new long[4096];

    private ShadowCounts() {}

    public static void hit(int id) {
        synchronized (lock) {
            long[] c = counts;
            if (id >= c.length) {
                int n = c.length;
                while (n <= id) n *= 2;
                long[] bigger = new long[n];
                System.arraycopy(c, 0, bigger, 0, c.length);
                counts = c = bigger;
            }
            c[id]++;
        }
    }

    public static long[] dump() {
        synchronized (lock) {
            return counts.clone();
        }
    }

    /**
     * Offers the bytes of a hidden class about to be defined by a lookup on
     * lookup to the instrumentation server, and returns what to define: the
     * agent binds this, since the JVM never passes hidden classes to the
     * class-load hook.
     */
    public static native byte[] hidden(byte[] bytes, Class<?> lookup);
}

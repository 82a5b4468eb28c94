package dvmlab.runtime;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Basic-block execution counters, the client half of the DVM's profiling
 * service (paper section 3.3). The proxy inserts a call to {@link #hit} at the
 * start of every basic block; the counts are written when the JVM exits, to
 * the file named by the system property {@code dvmlab.coverage.out}
 * (default {@code dvmlab-coverage.txt}), one line per executed block:
 * {@code class block count}. Block numbers follow the order of methods and
 * offsets in the original class, so the proxy can map them back.
 */
public final class Coverage {
    private static final int INITIAL_BLOCKS = 64;
    private static final Map<String, AtomicLongArray> COUNTS = new ConcurrentHashMap<>();

    static {
        // Privileged, so that a program running under a security manager is
        // not refused for a hook it never asked for; the hook thread holds
        // neither the program's context class loader nor its protection
        // domains, so no class loader stays reachable because of it. A
        // class first run during shutdown finds hooks closed: its counts go
        // unwritten, and the program runs on as it would.
        try {
            AccessController.doPrivileged(new PrivilegedAction<Void>() {
                @Override
                public Void run() {
                    Thread t = new Thread(new Dump(), "dvmlab-coverage");
                    t.setContextClassLoader(null);
                    Runtime.getRuntime().addShutdownHook(t);
                    return null;
                }
            });
        } catch (IllegalStateException | SecurityException e) {
            // see above
        }
    }

    /** Writes the counts at exit, with the runtime's own permissions. */
    private static final class Dump implements Runnable {
        @Override
        public void run() {
            AccessController.doPrivileged(new PrivilegedAction<Void>() {
                @Override
                public Void run() {
                    dump();
                    return null;
                }
            });
        }
    }

    private Coverage() {}

    /** Counts one execution of block {@code block} of class {@code cls}. */
    public static void hit(String cls, int block) {
        AtomicLongArray a = COUNTS.get(cls);
        if (a == null || block >= a.length()) {
            a = grow(cls, block);
        }
        a.incrementAndGet(block);
    }

    private static synchronized AtomicLongArray grow(String cls, int block) {
        AtomicLongArray a = COUNTS.get(cls);
        if (a != null && block < a.length()) {
            return a;
        }
        int n = Math.max(INITIAL_BLOCKS, Integer.highestOneBit(Math.max(block, 1)) << 1);
        AtomicLongArray b = new AtomicLongArray(n);
        if (a != null) {
            for (int i = 0; i < a.length(); i++) {
                b.set(i, a.get(i));
            }
        }
        COUNTS.put(cls, b);
        return b;
    }

    /** Returns the count of one block, for tests and the monitoring console. */
    public static long count(String cls, int block) {
        AtomicLongArray a = COUNTS.get(cls);
        return a == null || block >= a.length() ? 0 : a.get(block);
    }

    static synchronized void dump() {
        String out = System.getProperty("dvmlab.coverage.out", "dvmlab-coverage.txt");
        List<String> classes = new ArrayList<>(COUNTS.keySet());
        Collections.sort(classes);
        try (PrintWriter w = new PrintWriter(new OutputStreamWriter(new FileOutputStream(out), StandardCharsets.UTF_8))) {
            for (String cls : classes) {
                AtomicLongArray a = COUNTS.get(cls);
                for (int i = 0; i < a.length(); i++) {
                    long n = a.get(i);
                    if (n != 0) {
                        w.println(cls + " " + i + " " + n);
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("dvmlab coverage: cannot write " + out + ": " + e);
        }
    }
}

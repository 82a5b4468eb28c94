package dvmlab.runtime;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The client half of the DVM's remote monitoring service (paper section
 * 3.3). The monitor service inserts calls to {@link #enter} at the start of
 * every monitored method and constructor, {@link #exit} before each return
 * and {@link #unwind} in a handler that rethrows whatever leaves the method.
 * Each names its method by its class's method table (the class name, then
 * one method per line: a string constant, the same object at every call)
 * and an index into it.
 *
 * Events go into a buffer of the calling thread, numbered per thread; a
 * full buffer, and every buffer every quarter of a second, becomes a batch
 * that {@link Transport} sends to the proxy. A thread whose buffer fills
 * while the queue is full waits for room, for a bounded time (see
 * Transport.offer), so a slow server slows the program rather than losing
 * its events. A client killed with no chance to run its shutdown hook
 * loses what its buffers and queue held.
 */
public final class Monitor {
    private static final int CAPACITY = 8192;

    /** One thread's events since its last batch. */
    static final class Buffer {
        final Thread thread;
        final long id;
        final String[] tables = new String[CAPACITY];
        final int[] index = new int[CAPACITY];
        final byte[] kind = new byte[CAPACITY];
        int n;
        long seq;

        Buffer(Thread t) {
            thread = t;
            id = t.getId();
        }

        void add(String table, int i, byte k) {
            String batch = null;
            synchronized (this) {
                tables[n] = table;
                index[n] = i;
                kind[n] = k;
                if (++n == CAPACITY) {
                    batch = take();
                }
            }
            // Queued outside the lock: the queue may make this thread wait
            // for room (Transport.offer), and the sender must not then wait
            // on this buffer.
            if (batch != null) {
                Transport.offer(batch, CAPACITY);
            }
        }

        /** Queues a batch of the events held, if any. */
        void ship() {
            String batch;
            int k;
            synchronized (this) {
                k = n;
                batch = take();
            }
            if (batch != null) {
                Transport.offer(batch, k);
            }
        }

        /** The batch of the events held, with the methods they name, or null; empties the buffer. */
        private String take() {
            if (n == 0) {
                return null;
            }
            StringBuilder sb = new StringBuilder(16 * n + 256);
            sb.append(Transport.HEADER);
            IdentityHashMap<String, int[]> keys = new IdentityHashMap<>();
            StringBuilder body = new StringBuilder(6 * n);
            StringBuilder dict = new StringBuilder();
            int next = 0;
            for (int j = 0; j < n; j++) {
                String t = tables[j];
                int[] ks = keys.get(t);
                if (ks == null) {
                    ks = new int[lines(t)];
                    java.util.Arrays.fill(ks, -1);
                    keys.put(t, ks);
                    if (Transport.announce(t)) {
                        Transport.classLine(sb, t);
                    }
                }
                int i = index[j];
                if (ks[i] < 0) {
                    ks[i] = next++;
                    dict.append("m ").append(ks[i]).append(' ').append(method(t, i)).append('\n');
                }
                body.append((char) kind[j]).append(' ').append(ks[i]).append('\n');
                tables[j] = null;
            }
            sb.append("b ").append(id).append(' ').append(seq).append(' ').append(thread.getName().replace('\n', ' ')).append('\n');
            sb.append(dict).append(body);
            seq += n;
            n = 0;
            return sb.toString();
        }
    }

    private static final ThreadLocal<Buffer> LOCAL = new ThreadLocal<Buffer>() {
        @Override
        protected Buffer initialValue() {
            Buffer b = new Buffer(Thread.currentThread());
            BUFFERS.add(b);
            return b;
        }
    };
    private static final ConcurrentLinkedQueue<Buffer> BUFFERS = new ConcurrentLinkedQueue<>();

    static {
        Transport.register(new Transport.Source() {
            @Override
            public void drain() {
                for (Iterator<Buffer> it = BUFFERS.iterator(); it.hasNext(); ) {
                    Buffer b = it.next();
                    // Asked before shipping: a thread that was dead then
                    // adds nothing after, so its buffer can go.
                    boolean dead = !b.thread.isAlive();
                    if (!Transport.roomToDrain()) {
                        // A full queue: the threads ship their own full
                        // buffers, waiting for room; the rest waits too.
                        return;
                    }
                    b.ship();
                    if (dead) {
                        it.remove();
                    }
                }
            }
        });
    }

    private Monitor() {}

    /** A monitored method was entered. */
    public static void enter(String table, int index) {
        LOCAL.get().add(table, index, (byte) 'e');
    }

    /** A monitored method returns. */
    public static void exit(String table, int index) {
        LOCAL.get().add(table, index, (byte) 'x');
    }

    /** An exception leaves a monitored method. */
    public static void unwind(String table, int index) {
        LOCAL.get().add(table, index, (byte) 'u');
    }

    /** The number of lines of a method table after the class name. */
    static int lines(String table) {
        int k = 0;
        for (int i = table.indexOf('\n'); i >= 0; i = table.indexOf('\n', i + 1)) {
            k++;
        }
        return k;
    }

    /** pkg/Class.name(DESC) of method i of a table. */
    static String method(String table, int i) {
        int cls = table.indexOf('\n');
        int start = cls;
        for (int k = 0; k < i; k++) {
            start = table.indexOf('\n', start + 1);
        }
        int end = table.indexOf('\n', start + 1);
        return table.substring(0, cls) + "." + table.substring(start + 1, end < 0 ? table.length() : end);
    }
}

package dvmlab.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Carries the monitor's and the profiler's batches to the proxy's
 * monitoring server (paper section 3.3): an HTTP POST to
 * http://dvmlab.proxy/monitor through the proxy the standard http.proxyHost
 * and http.proxyPort name (or to the URL in dvmlab.monitor.url), with the
 * session the launcher opened (system property dvmlab.session) in the
 * X-Dvmlab-Session header.
 *
 * Batches go to a bounded queue that one daemon thread empties. A thread
 * whose batch finds the queue full waits for room, at most BLOCK_MS, and
 * only then drops the batch, counted: a slow server slows the program
 * rather than losing most of its events. The profiler's batches, deltas
 * that cannot be sent again, have a queue of their own that goes first and
 * is kept while the server is unreachable. A server that cannot be reached
 * gets one warning on stderr and the program runs on. Every batch carries
 * the client's count of events dropped so far (a d line), and a shutdown
 * hook ships what the threads still hold, for at most a few seconds, then
 * that count once more, and prints it on stderr when it is not zero.
 *
 * Wire format, one batch per request, UTF-8 lines:
 * <pre>
 * dvmlab-monitor 1
 * c CLASS\tMETHOD\tMETHOD...     a class's methods (name and descriptor), once per client
 * b THREAD-ID FIRST-SEQ NAME      monitor events of one thread follow, numbered from FIRST-SEQ
 * m K pkg/Class.name(DESC)        the batch's method K
 * e K | x K | u K                 entry, exit, exit by exception
 * p                               profile counts follow
 * m K pkg/Class.name(DESC)
 * f K                             method K was first used (in the client's first-use order)
 * g CALLER CALLEE COUNT           calls since the last batch (CALLER -1: a thread's root)
 * s COUNT K1 K2 ... KN            entries since the last batch of the calling context K1 (a root) ... KN
 * r K FIRST-LAST ...             method K's basic blocks, offsets of the class as served (once per method)
 * h K B1 B2 ...                   blocks B1, B2 ... of method K (numbered from 0) first run since the last batch
 * d N                             the client has dropped N events so far
 * </pre>
 */
final class Transport {
    static final String SESSION_PROPERTY = "dvmlab.session";
    static final String URL_PROPERTY = "dvmlab.monitor.url";
    static final String HEADER = "dvmlab-monitor 1\n";
    /**
     * Batches queued, at most: about a second of what a monitoring server
     * stores, so that waiting for room, not the queue, absorbs a slow
     * server, and what is queued at exit can be sent within SHUTDOWN_MS.
     */
    private static final int QUEUE = 8;
    private static final long PERIOD_MS = 250;
    private static final int CONNECT_TIMEOUT_MS = 2000;
    /** A server storing a large batch may take a while: slow is not down. */
    private static final int READ_TIMEOUT_MS = 30000;
    /** The longest a producing thread waits for room in a full queue. */
    private static final long BLOCK_MS = 10000;
    private static final long SHUTDOWN_MS = 10000;

    /** What produces batches: asked to ship what it holds, periodically and at exit. */
    interface Source {
        void drain();
    }

    /** One batch and the number of events in it. */
    static final class Batch {
        final byte[] bytes;
        final int events;
        final boolean profile;
        /** Tried even while the server is taken for down: the final count. */
        boolean last;

        Batch(byte[] bytes, int events, boolean profile) {
            this.bytes = bytes;
            this.events = events;
            this.profile = profile;
        }
    }

    private static final ArrayBlockingQueue<Batch> QUEUE_ = new ArrayBlockingQueue<>(QUEUE);
    private static final ConcurrentLinkedQueue<Batch> PROFILES = new ConcurrentLinkedQueue<>();
    private static volatile Thread sender;
    private static final List<Source> SOURCES = new CopyOnWriteArrayList<>();
    private static final ConcurrentHashMap<String, Boolean> ANNOUNCED = new ConcurrentHashMap<>();
    static final AtomicLong DROPPED = new AtomicLong();
    static final AtomicLong SENT = new AtomicLong();
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static volatile long downUntil;
    private static final Object SEND = new Object();
    private static final Object SIGNAL = new Object();

    static {
        try {
            AccessController.doPrivileged(new PrivilegedAction<Void>() {
                @Override
                public Void run() {
                    Thread t = new Thread(new Sender(), "dvmlab-monitor");
                    t.setDaemon(true);
                    t.setContextClassLoader(null);
                    sender = t;
                    t.start();
                    Thread h = new Thread(new Flush(), "dvmlab-monitor-flush");
                    h.setContextClassLoader(null);
                    Runtime.getRuntime().addShutdownHook(h);
                    return null;
                }
            });
        } catch (IllegalStateException | SecurityException e) {
            // Started during shutdown, or refused: batches then stay queued.
        }
    }

    private Transport() {}

    static void register(Source s) {
        SOURCES.add(s);
    }

    /** True the first time a method table is seen: its class goes out in a c line. */
    static boolean announce(String table) {
        return ANNOUNCED.putIfAbsent(table, Boolean.TRUE) == null;
    }

    /** Appends a c line for a method table (class, then its methods). */
    static void classLine(StringBuilder sb, String table) {
        sb.append("c ").append(table.replace('\n', '\t')).append('\n');
    }

    /**
     * Queues a monitor batch holding events events. A full queue makes the
     * calling thread wait for room, at most BLOCK_MS, then drops the batch,
     * counted. The sender thread itself cannot wait on its own queue: it
     * sends the batch there and then.
     */
    static void offer(String batch, int events) {
        Batch b = new Batch(batch.getBytes(StandardCharsets.UTF_8), events, false);
        if (Thread.currentThread() == sender) {
            if (!QUEUE_.offer(b)) {
                send(b);
            }
        } else {
            try {
                if (!QUEUE_.offer(b, BLOCK_MS, TimeUnit.MILLISECONDS)) {
                    DROPPED.addAndGet(events);
                    return;
                }
            } catch (InterruptedException e) {
                DROPPED.addAndGet(events);
                Thread.currentThread().interrupt();
                return;
            }
        }
        signal();
    }

    /** Queues a profile batch: never dropped for want of room. */
    static void offerProfile(String batch, int edges) {
        PROFILES.add(new Batch(batch.getBytes(StandardCharsets.UTF_8), edges, true));
        signal();
    }

    /**
     * Whether a drain may ship monitor buffers now: always, but on the
     * sender thread only while the queue has room, since the sender waits
     * for no room (the shutdown hook's drain must ship everything, waiting).
     */
    static boolean roomToDrain() {
        return Thread.currentThread() != sender || QUEUE_.remainingCapacity() > 0;
    }

    private static void signal() {
        synchronized (SIGNAL) {
            SIGNAL.notify();
        }
    }

    /**
     * Sends the queue's head and only then removes it, under SEND, so that
     * the shutdown hook, which empties the queue under SEND too, never
     * misses a batch this thread holds.
     */
    static final class Sender implements Runnable {
        @Override
        public void run() {
            long next = System.currentTimeMillis() + PERIOD_MS;
            for (;;) {
                try {
                    boolean sent = false;
                    synchronized (SEND) {
                        Batch p = PROFILES.peek();
                        if (p != null && System.currentTimeMillis() >= downUntil) {
                            // Kept on failure, to be tried again.
                            if (send(p)) {
                                PROFILES.remove(p);
                            }
                            sent = true;
                        } else {
                            Batch b = QUEUE_.peek();
                            if (b != null) {
                                send(b);
                                QUEUE_.remove(b);
                                sent = true;
                            }
                        }
                    }
                    if (!sent) {
                        synchronized (SIGNAL) {
                            if (QUEUE_.isEmpty()) {
                                SIGNAL.wait(PERIOD_MS);
                            }
                        }
                    }
                    if (System.currentTimeMillis() >= next) {
                        drainAll();
                        next = System.currentTimeMillis() + PERIOD_MS;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    // Never let the monitor take the program down.
                }
            }
        }
    }

    static void drainAll() {
        for (Source s : SOURCES) {
            s.drain();
        }
    }

    /** At exit: everything the threads hold, then the queue, within SHUTDOWN_MS. */
    static final class Flush implements Runnable {
        @Override
        public void run() {
            AccessController.doPrivileged(new PrivilegedAction<Void>() {
                @Override
                public Void run() {
                    long end = System.currentTimeMillis() + SHUTDOWN_MS;
                    drainAll();
                    synchronized (SEND) {
                        for (Batch b; (b = PROFILES.poll()) != null; ) {
                            if (System.currentTimeMillis() <= end) {
                                send(b);
                            }
                        }
                        for (Batch b; (b = QUEUE_.poll()) != null; ) {
                            if (System.currentTimeMillis() > end) {
                                DROPPED.addAndGet(b.events);
                            } else {
                                send(b);
                            }
                        }
                        long lost = DROPPED.get();
                        if (lost > 0) {
                            // The final count, so the server has it even when the last batch went before the drops.
                            Batch count = new Batch(HEADER.getBytes(StandardCharsets.UTF_8), 0, false);
                            count.last = true;
                            send(count);
                            System.err.println("dvmlab monitor: " + lost + " events dropped ("
                                    + (WARNED.get() ? "the monitoring server was unreachable" : "the monitoring server did not keep up") + ")");
                        }
                    }
                    return null;
                }
            });
        }
    }

    /**
     * Posts one batch, with the count of events dropped so far; on failure
     * counts a monitor batch's events dropped, and warns once. Serialized,
     * so batches arrive in order. True when the server took it.
     */
    static boolean send(Batch batch) {
        synchronized (SEND) {
            int n = batch.events;
            if (System.currentTimeMillis() < downUntil && !batch.last) {
                if (!batch.profile) {
                    DROPPED.addAndGet(n);
                }
                return false;
            }
            byte[] d = ("d " + DROPPED.get() + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] b = java.util.Arrays.copyOf(batch.bytes, batch.bytes.length + d.length);
            System.arraycopy(d, 0, b, batch.bytes.length, d.length);
            String target = System.getProperty(URL_PROPERTY, "http://dvmlab.proxy/monitor");
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(target).openConnection();
                c.setConnectTimeout(CONNECT_TIMEOUT_MS);
                c.setReadTimeout(READ_TIMEOUT_MS);
                c.setDoOutput(true);
                c.setRequestMethod("POST");
                c.setFixedLengthStreamingMode(b.length);
                c.setRequestProperty("Content-Type", "text/plain; charset=utf-8");
                String session = System.getProperty(SESSION_PROPERTY, "");
                if (!session.isEmpty()) {
                    c.setRequestProperty("X-Dvmlab-Session", session);
                }
                try (OutputStream out = c.getOutputStream()) {
                    out.write(b);
                }
                int code = c.getResponseCode();
                try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
                    if (in != null) {
                        while (in.read() >= 0) {
                            // drain, so the connection is kept alive
                        }
                    }
                }
                if (code != 200) {
                    throw new IOException("HTTP " + code);
                }
                SENT.addAndGet(n);
                return true;
            } catch (IOException | RuntimeException e) {
                if (!batch.profile) {
                    DROPPED.addAndGet(n);
                }
                // Down: drop what comes for a while rather than wait on
                // every batch; then try again.
                downUntil = System.currentTimeMillis() + 1000;
                if (WARNED.compareAndSet(false, true)) {
                    System.err.println("dvmlab monitor: monitoring server " + target + " unreachable (" + e
                            + "); events are dropped and counted, the program runs on");
                }
                return false;
            }
        }
    }
}

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
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The program never waits for the server: batches go to a bounded queue
 * that one daemon thread empties; a full queue drops the batch and counts
 * its events. A server that cannot be reached gets one warning on stderr
 * and the program runs on. A shutdown hook ships what the threads still
 * hold, for at most a few seconds.
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
 * </pre>
 */
final class Transport {
    static final String SESSION_PROPERTY = "dvmlab.session";
    static final String URL_PROPERTY = "dvmlab.monitor.url";
    static final String HEADER = "dvmlab-monitor 1\n";
    private static final int QUEUE = 256;
    private static final long PERIOD_MS = 250;
    private static final int TIMEOUT_MS = 2000;
    private static final long SHUTDOWN_MS = 5000;

    /** What produces batches: asked to ship what it holds, periodically and at exit. */
    interface Source {
        void drain();
    }

    /** One batch and the number of events in it. */
    static final class Batch {
        final byte[] bytes;
        final int events;

        Batch(byte[] bytes, int events) {
            this.bytes = bytes;
            this.events = events;
        }
    }

    private static final ArrayBlockingQueue<Batch> QUEUE_ = new ArrayBlockingQueue<>(QUEUE);
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

    /** Queues a batch holding events events; drops it, counted, when the queue is full. */
    static void offer(String batch, int events) {
        if (!QUEUE_.offer(new Batch(batch.getBytes(StandardCharsets.UTF_8), events))) {
            DROPPED.addAndGet(events);
            return;
        }
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
                    boolean sent;
                    synchronized (SEND) {
                        Batch b = QUEUE_.peek();
                        sent = b != null;
                        if (sent) {
                            send(b);
                            QUEUE_.remove(b);
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
                        for (Batch b; (b = QUEUE_.poll()) != null; ) {
                            if (System.currentTimeMillis() > end) {
                                DROPPED.addAndGet(b.events);
                            } else {
                                send(b);
                            }
                        }
                    }
                    long lost = DROPPED.get();
                    if (lost > 0 && !WARNED.get()) {
                        System.err.println("dvmlab monitor: " + lost + " events dropped (the monitoring server did not keep up)");
                    }
                    return null;
                }
            });
        }
    }

    /** Posts one batch; on failure drops it and warns once. Serialized, so batches arrive in order. */
    static void send(Batch batch) {
        synchronized (SEND) {
            int n = batch.events;
            byte[] b = batch.bytes;
            if (System.currentTimeMillis() < downUntil) {
                DROPPED.addAndGet(n);
                return;
            }
            String target = System.getProperty(URL_PROPERTY, "http://dvmlab.proxy/monitor");
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(target).openConnection();
                c.setConnectTimeout(TIMEOUT_MS);
                c.setReadTimeout(TIMEOUT_MS);
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
            } catch (IOException | RuntimeException e) {
                DROPPED.addAndGet(n);
                // Down: drop what comes for a while rather than wait on
                // every batch; then try again.
                downUntil = System.currentTimeMillis() + 1000;
                if (WARNED.compareAndSet(false, true)) {
                    System.err.println("dvmlab monitor: monitoring server " + target + " unreachable (" + e
                            + "); events are dropped and counted, the program runs on");
                }
            }
        }
    }
}

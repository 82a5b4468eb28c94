package dvmlab.runtime;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The client half of the DVM's profiler (paper section 3.3): a dynamic call
 * graph. The profile service inserts the same probes as the monitor service
 * ({@link #enter}, {@link #exit}, {@link #unwind}), here feeding a shadow
 * stack per thread that counts caller-to-callee edges; the first call of a
 * thread has the caller -1, its root. Methods are numbered in the order the
 * client first used them, which is the order the profile reports.
 *
 * A constructor's exception handler starts after its super() call, so an
 * exception thrown before it leaves the constructor on the shadow stack;
 * the next exit of a method below it pops it.
 *
 * Each thread also keeps a calling-context tree: a node per distinct path
 * of calls from the thread's root (method and parent node), counted per
 * entry, so the profile has whole stacks, as flame graphs want, not only
 * caller-callee pairs. The shadow stack holds nodes; a node's method is
 * its last frame. Recursion makes a node per depth, as it makes a path.
 *
 * Counts are kept per thread and shipped as deltas with the monitor's
 * transport every quarter of a second and at exit. A delta lost would be
 * lost for good, so profile batches have a queue of their own, sent before
 * the monitor's events and kept, not dropped, while the server is slow or
 * briefly unreachable.
 */
public final class Profile {
    private static final ConcurrentHashMap<String, Integer> IDS = new ConcurrentHashMap<>();
    private static final List<String> NAMES = new ArrayList<>();
    /** Methods first used since the last batch. */
    private static final ConcurrentLinkedQueue<Integer> FIRST = new ConcurrentLinkedQueue<>();

    /** One thread's shadow stack and edge counts since its last batch. */
    static final class State {
        final Thread thread;
        final IdentityHashMap<String, int[]> ids = new IdentityHashMap<>();
        /** Nodes of the calling-context tree on the current path. */
        int[] stack = new int[64];
        int depth;
        // The calling-context tree: node k is method nodeMethod[k] called
        // from node nodeParent[k] (-1: a root), entered nodeCount[k] times
        // since the last batch; found by key (parent + 1) << 32 | (method + 1).
        int[] nodeMethod = new int[64];
        int[] nodeParent = new int[64];
        long[] nodeCount = new long[64];
        int nodes;
        long[] nodeKeys = new long[128];
        int[] nodeAt = new int[128];
        /** Nodes entered since the last batch, so a batch costs what changed, not the whole tree. */
        int[] dirty = new int[64];
        int dirtyN;
        // Open addressing, key (caller + 1) << 32 | (callee + 1), never 0, which marks a free slot.
        long[] keys = new long[256];
        long[] counts = new long[256];
        int size;

        State(Thread t) {
            thread = t;
        }

        int id(String table, int i) {
            int[] a = ids.get(table);
            if (a == null) {
                a = new int[Monitor.lines(table)];
                java.util.Arrays.fill(a, -1);
                ids.put(table, a);
            }
            int id = a[i];
            if (id < 0) {
                id = global(table, i);
                a[i] = id;
            }
            return id;
        }

        synchronized void enter(String table, int i) {
            int callee = id(table, i);
            int parent = depth == 0 ? -1 : stack[depth - 1];
            int caller = parent < 0 ? -1 : nodeMethod[parent];
            count(((long) (caller + 1) << 32) | (callee + 1));
            int node = node(parent, callee);
            if (nodeCount[node]++ == 0) {
                if (dirtyN == dirty.length) {
                    dirty = java.util.Arrays.copyOf(dirty, dirtyN * 2);
                }
                dirty[dirtyN++] = node;
            }
            if (depth == stack.length) {
                stack = java.util.Arrays.copyOf(stack, depth * 2);
            }
            stack[depth++] = node;
        }

        synchronized void exit(String table, int i) {
            int id = id(table, i);
            for (int d = depth - 1; d >= 0; d--) {
                if (nodeMethod[stack[d]] == id) {
                    depth = d;
                    return;
                }
            }
        }

        /** The tree's node for method called from node parent, made on first use. */
        private int node(int parent, int method) {
            long key = ((long) (parent + 1) << 32) | (method + 1);
            int mask = nodeKeys.length - 1;
            int h = (int) (key ^ (key >>> 29)) * 0x9E3779B1;
            int p = (h ^ (h >>> 16)) & mask;
            for (; nodeKeys[p] != 0; p = (p + 1) & mask) {
                if (nodeKeys[p] == key) {
                    return nodeAt[p];
                }
            }
            if (nodes == nodeMethod.length) {
                nodeMethod = java.util.Arrays.copyOf(nodeMethod, nodes * 2);
                nodeParent = java.util.Arrays.copyOf(nodeParent, nodes * 2);
                nodeCount = java.util.Arrays.copyOf(nodeCount, nodes * 2);
            }
            int k = nodes++;
            nodeMethod[k] = method;
            nodeParent[k] = parent;
            nodeKeys[p] = key;
            nodeAt[p] = k;
            if (nodes * 2 > nodeKeys.length) {
                long[] ok = nodeKeys;
                int[] oa = nodeAt;
                nodeKeys = new long[ok.length * 2];
                nodeAt = new int[ok.length * 2];
                int m = nodeKeys.length - 1;
                for (int q = 0; q < ok.length; q++) {
                    if (ok[q] != 0) {
                        int g = (int) (ok[q] ^ (ok[q] >>> 29)) * 0x9E3779B1;
                        int r = (g ^ (g >>> 16)) & m;
                        while (nodeKeys[r] != 0) {
                            r = (r + 1) & m;
                        }
                        nodeKeys[r] = ok[q];
                        nodeAt[r] = oa[q];
                    }
                }
            }
            return k;
        }

        private void count(long key) {
            int mask = keys.length - 1;
            int h = (int) (key ^ (key >>> 29)) * 0x9E3779B1;
            for (int p = (h ^ (h >>> 16)) & mask; ; p = (p + 1) & mask) {
                if (keys[p] == key) {
                    counts[p]++;
                    return;
                }
                if (keys[p] == 0) {
                    keys[p] = key;
                    counts[p] = 1;
                    if (++size * 2 > keys.length) {
                        grow();
                    }
                    return;
                }
            }
        }

        private void grow() {
            long[] ok = keys, oc = counts;
            keys = new long[ok.length * 2];
            counts = new long[ok.length * 2];
            size = 0;
            for (int p = 0; p < ok.length; p++) {
                if (ok[p] != 0) {
                    long c = oc[p];
                    count(ok[p]);
                    counts[find(ok[p])] = c;
                }
            }
        }

        private int find(long key) {
            int mask = keys.length - 1;
            int h = (int) (key ^ (key >>> 29)) * 0x9E3779B1;
            for (int p = (h ^ (h >>> 16)) & mask; ; p = (p + 1) & mask) {
                if (keys[p] == key) {
                    return p;
                }
            }
        }

        /** Appends this thread's edges since the last batch and clears them; the ids they name go in used. */
        synchronized int take(StringBuilder sb, java.util.BitSet used) {
            int k = 0;
            for (int p = 0; p < keys.length; p++) {
                if (keys[p] == 0) {
                    continue;
                }
                int caller = (int) (keys[p] >>> 32) - 1;
                int callee = (int) keys[p] - 1;
                sb.append("g ").append(caller).append(' ').append(callee).append(' ').append(counts[p]).append('\n');
                if (caller >= 0) {
                    used.set(caller);
                }
                used.set(callee);
                keys[p] = 0;
                k++;
            }
            size = 0;
            // Whole stacks, root first, of the paths entered since the last batch.
            int[] path = new int[16];
            for (int d = 0; d < dirtyN; d++) {
                int n = dirty[d];
                int len = 0;
                for (int q = n; q >= 0; q = nodeParent[q]) {
                    if (len == path.length) {
                        path = java.util.Arrays.copyOf(path, len * 2);
                    }
                    path[len++] = nodeMethod[q];
                }
                sb.append("s ").append(nodeCount[n]);
                for (int j = len - 1; j >= 0; j--) {
                    sb.append(' ').append(path[j]);
                    used.set(path[j]);
                }
                sb.append('\n');
                nodeCount[n] = 0;
            }
            dirtyN = 0;
            return k;
        }
    }

    private static final ThreadLocal<State> LOCAL = new ThreadLocal<State>() {
        @Override
        protected State initialValue() {
            State s = new State(Thread.currentThread());
            STATES.add(s);
            return s;
        }
    };
    private static final ConcurrentLinkedQueue<State> STATES = new ConcurrentLinkedQueue<>();
    private static final ConcurrentHashMap<String, Boolean> TABLES = new ConcurrentHashMap<>();

    static {
        Transport.register(new Transport.Source() {
            @Override
            public void drain() {
                ship();
            }
        });
    }

    private Profile() {}

    /** The client-wide number of a method, given on its first use. */
    static int global(String table, int i) {
        String name = Monitor.method(table, i);
        Integer id = IDS.get(name);
        if (id != null) {
            return id;
        }
        synchronized (NAMES) {
            id = IDS.get(name);
            if (id == null) {
                id = NAMES.size();
                NAMES.add(name);
                IDS.put(name, id);
                FIRST.add(id);
                if (TABLES.putIfAbsent(table, Boolean.TRUE) == null) {
                    PENDING_TABLES.add(table);
                }
            }
            return id;
        }
    }

    private static final ConcurrentLinkedQueue<String> PENDING_TABLES = new ConcurrentLinkedQueue<>();

    /** One batch of everything counted since the last. */
    static synchronized void ship() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append(Transport.HEADER);
        for (String t; (t = PENDING_TABLES.poll()) != null; ) {
            if (Transport.announce(t)) {
                Transport.classLine(sb, t);
            }
        }
        sb.append("p\n");
        StringBuilder body = new StringBuilder();
        java.util.BitSet used = new java.util.BitSet();
        int edges = 0;
        for (Integer f; (f = FIRST.poll()) != null; ) {
            body.append("f ").append(f).append('\n');
            used.set(f);
        }
        for (Iterator<State> it = STATES.iterator(); it.hasNext(); ) {
            State s = it.next();
            boolean dead = !s.thread.isAlive();
            edges += s.take(body, used);
            if (dead) {
                it.remove();
            }
        }
        takeBlocks(body, used);
        if (used.isEmpty()) {
            return;
        }
        synchronized (NAMES) {
            for (int i = used.nextSetBit(0); i >= 0; i = used.nextSetBit(i + 1)) {
                sb.append("m ").append(i).append(' ').append(NAMES.get(i)).append('\n');
            }
        }
        sb.append(body);
        Transport.offerProfile(sb.toString(), edges);
    }

    /**
     * A profiled method's blocks, as the profile service inserts them: at
     * entry the method asks for its array of flags once, and each of its
     * basic blocks stores true in its element, so a block costs a store,
     * not a call. ranges names the blocks, "FIRST-LAST" offsets of the
     * class as it came, one per element.
     */
    static final class Blocks {
        final String table;
        final int index;
        final String ranges;
        final boolean[] hit;
        final boolean[] sent;
        boolean announced;

        Blocks(String table, int index, String ranges, int n) {
            this.table = table;
            this.index = index;
            this.ranges = ranges;
            hit = new boolean[n];
            sent = new boolean[n];
        }
    }

    /** Per method table, the block flags of its methods by index. */
    private static final ConcurrentHashMap<String, Blocks[]> BLOCKS = new ConcurrentHashMap<>();
    private static final ConcurrentLinkedQueue<Blocks> BLOCK_LIST = new ConcurrentLinkedQueue<>();

    /** The block flags of method index of table, made on its first call. */
    public static boolean[] blocks(String table, int index, String ranges) {
        Blocks[] t = BLOCKS.get(table);
        if (t != null) {
            Blocks b = t[index];
            if (b != null) {
                return b.hit;
            }
        }
        return newBlocks(table, index, ranges);
    }

    private static synchronized boolean[] newBlocks(String table, int index, String ranges) {
        Blocks[] t = BLOCKS.get(table);
        if (t == null) {
            t = new Blocks[Monitor.lines(table)];
            BLOCKS.put(table, t);
        }
        if (t[index] == null) {
            int n = ranges.isEmpty() ? 0 : 1;
            for (int i = ranges.indexOf(' '); i >= 0; i = ranges.indexOf(' ', i + 1)) {
                n++;
            }
            Blocks b = new Blocks(table, index, ranges, n);
            BLOCK_LIST.add(b);
            t[index] = b;
        }
        return t[index].hit;
    }

    /**
     * Appends the blocks first run since the last batch: "r ID RANGES" the
     * first time a method's blocks are reported, then "h ID BLOCK…".
     */
    private static void takeBlocks(StringBuilder sb, java.util.BitSet used) {
        for (Blocks b : BLOCK_LIST) {
            int id = -1;
            for (int i = 0; i < b.hit.length; i++) {
                if (!b.hit[i] || b.sent[i]) {
                    continue;
                }
                if (id < 0) {
                    id = global(b.table, b.index);
                    used.set(id);
                    if (!b.announced) {
                        sb.append("r ").append(id).append(' ').append(b.ranges).append('\n');
                        b.announced = true;
                    }
                    sb.append("h ").append(id);
                }
                b.sent[i] = true;
                sb.append(' ').append(i);
            }
            if (id >= 0) {
                sb.append('\n');
            }
        }
    }

    /** A profiled method was entered. */
    public static void enter(String table, int index) {
        LOCAL.get().enter(table, index);
    }

    /** A profiled method returns. */
    public static void exit(String table, int index) {
        LOCAL.get().exit(table, index);
    }

    /** An exception leaves a profiled method. */
    public static void unwind(String table, int index) {
        LOCAL.get().exit(table, index);
    }
}

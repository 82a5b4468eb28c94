package java.lang;

import java.lang.ref.WeakReference;

/**
 * The in-process field immutability analysis: the baseline of the ShadowVM
 * paper's case study (GPCE'13 section 7), the same state machine as
 * core/shadow/analyses/fia.go, but run here, in Java, inside the observed
 * VM, as an in-process analysis does:
 *
 * - it starts after VM init (the agent calls vmInit), so the primordial
 *   phase and the VM's own start-up go unobserved;
 * - it skips daemon threads, whose weak-reference work it would disturb;
 * - its own work is not observed: one lock serializes every event, and an
 *   event that arrives while the lock's holder is inside the analysis (the
 *   JDK classes it uses are instrumented too) is that holder's own, and
 *   dropped;
 * - its state lives on the observed heap (weak identity tables keyed by
 *   System.identityHashCode), which is what Table 2 measures.
 *
 * Ids are the instrumentation server's: field ids (the reference as
 * written), field name ids (name and descriptor, the same through any
 * subclass), class name ids, method ids and site ids. dump() hands the
 * results to the agent at VM death as one long[] (format in dump()).
 *
 * One class only: the agent defines it in java.base, so instances of it
 * serve as its tables and its per-thread records.
 */
public final class ShadowFIA {
    private static final Object lock = new Object();
    private static volatile boolean live;
    private static boolean busy;

    private static ShadowFIA objects;   // object -> int[] state (see state())
    private static ShadowFIA threads;   // Thread -> ShadowFIA thread record

    // Per field id: verdict (0 immutable, 1 stationary, 2 mutable), counts,
    // and for static fields whether it was read.
    private static byte[] verdict = new byte[0];
    private static long[] writes = new long[0], ctorWrites = new long[0], reads = new long[0];
    private static boolean[] staticRead = new boolean[0];
    private static int maxField = -1;

    // Per site id: objects, objects with a field written outside their
    // constructors.
    private static long[] siteObjects = new long[0], siteMutated = new long[0];
    private static int maxSite = -1;

    // Allocations by (thread name index << 32 | site id).
    private static long[] tsKeys = new long[0], tsCounts = new long[0];
    private static int tsSize;
    private static String[] names = new String[0];
    private static int nNames;

    // A table: weak identity keys, values.
    private WeakReference<Object>[] keys;
    private Object[] values;
    private int size;

    // A thread record: the constructor and static-initializer frames.
    private boolean daemon;
    private int nameIndex;
    private int depth;
    private boolean[] clinit;
    private int[] id;        // method id for <init>, class name id for <clinit>
    private Object[] obj;    // the object a constructor initializes, once bound

    private ShadowFIA() {}

    @SuppressWarnings("unchecked")
    private static ShadowFIA table(int cap) {
        ShadowFIA t = new ShadowFIA();
        t.keys = (WeakReference<Object>[]) new WeakReference<?>[cap];
        t.values = new Object[cap];
        return t;
    }

    private Object get(Object k) {
        int mask = keys.length - 1;
        for (int i = System.identityHashCode(k) & mask; ; i = (i + 1) & mask) {
            WeakReference<Object> r = keys[i];
            if (r == null) return null;
            if (r.get() == k) return values[i];
        }
    }

    private void put(Object k, Object v) {
        if ((size + 1) * 2 > keys.length) rebuild();
        int mask = keys.length - 1;
        for (int i = System.identityHashCode(k) & mask; ; i = (i + 1) & mask) {
            WeakReference<Object> r = keys[i];
            if (r == null) {
                keys[i] = new WeakReference<>(k);
                values[i] = v;
                size++;
                return;
            }
            if (r.get() == k) {
                values[i] = v;
                return;
            }
        }
    }

    /** rebuild drops the entries of collected keys, growing if still half full. */
    @SuppressWarnings("unchecked")
    private void rebuild() {
        WeakReference<Object>[] ks = keys;
        Object[] vs = values;
        int liveKeys = 0;
        for (WeakReference<Object> r : ks) if (r != null && r.get() != null) liveKeys++;
        int cap = ks.length;
        while ((liveKeys + 1) * 4 > cap) cap *= 2;
        keys = (WeakReference<Object>[]) new WeakReference<?>[cap];
        values = new Object[cap];
        size = 0;
        int mask = cap - 1;
        for (int j = 0; j < ks.length; j++) {
            WeakReference<Object> r = ks[j];
            Object k = r == null ? null : r.get();
            if (k == null) continue;
            int i = System.identityHashCode(k) & mask;
            while (keys[i] != null) i = (i + 1) & mask;
            keys[i] = r;
            values[i] = vs[j];
            size++;
        }
    }

    static void vmInit() {
        synchronized (lock) {
            objects = table(1 << 16);
            threads = table(64);
            live = true;
        }
    }

    /** thread returns the current thread's record, or null for a daemon. */
    private static ShadowFIA thread() {
        Thread t = Thread.currentThread();
        ShadowFIA r = (ShadowFIA) threads.get(t);
        if (r == null) {
            r = new ShadowFIA();
            r.daemon = t.isDaemon();
            // A thread the VM attaches runs its Thread's constructor as
            // itself: its name is not set yet.
            String name = t.getName();
            if (name == null) name = "";
            int n = -1;
            for (int i = 0; i < nNames; i++) if (names[i].equals(name)) n = i;
            if (n < 0) {
                if (nNames == names.length) names = java.util.Arrays.copyOf(names, Math.max(8, nNames * 2));
                names[nNames] = name;
                n = nNames++;
            }
            r.nameIndex = n;
            r.clinit = new boolean[16];
            r.id = new int[16];
            r.obj = new Object[16];
            threads.put(t, r);
        }
        return r.daemon ? null : r;
    }

    private static void field(int f) {
        if (f <= maxField) return;
        int n = Math.max(1024, verdict.length);
        while (n <= f) n *= 2;
        if (n > verdict.length) {
            verdict = java.util.Arrays.copyOf(verdict, n);
            writes = java.util.Arrays.copyOf(writes, n);
            ctorWrites = java.util.Arrays.copyOf(ctorWrites, n);
            reads = java.util.Arrays.copyOf(reads, n);
            staticRead = java.util.Arrays.copyOf(staticRead, n);
        }
        maxField = f;
    }

    private static void site(int s) {
        if (s <= maxSite) return;
        int n = Math.max(1024, siteObjects.length);
        while (n <= s) n *= 2;
        if (n > siteObjects.length) {
            siteObjects = java.util.Arrays.copyOf(siteObjects, n);
            siteMutated = java.util.Arrays.copyOf(siteMutated, n);
        }
        maxSite = s;
    }

    /**
     * state returns an object's state: [site + 1 (0 unknown), mutated,
     * pairs used, then (field name id, bits) pairs; bit 0 read, bit 1
     * written outside the constructor].
     */
    private static int[] state(Object o) {
        int[] s = (int[]) objects.get(o);
        if (s == null) {
            s = new int[7];
            objects.put(o, s);
        }
        return s;
    }

    private static int bitsAt(int[] s, int nameId) {
        for (int i = 0; i < s[2]; i++) if (s[3 + 2 * i] == nameId) return 4 + 2 * i;
        return -1;
    }

    /** orBits sets bits on the pair of nameId and returns the old bits. */
    private static int orBits(Object o, int[] s, int nameId, int bits) {
        int at = bitsAt(s, nameId);
        if (at < 0) {
            int n = s[2];
            if (3 + 2 * n + 2 > s.length) {
                s = java.util.Arrays.copyOf(s, s.length * 2 + 1);
                objects.put(o, s);
            }
            s[3 + 2 * n] = nameId;
            s[4 + 2 * n] = bits;
            s[2] = n + 1;
            return 0;
        }
        int old = s[at];
        s[at] = old | bits;
        return old;
    }

    private void push(boolean isClinit, int ident) {
        if (depth == id.length) {
            clinit = java.util.Arrays.copyOf(clinit, depth * 2);
            id = java.util.Arrays.copyOf(id, depth * 2);
            obj = java.util.Arrays.copyOf(obj, depth * 2);
        }
        clinit[depth] = isClinit;
        id[depth] = ident;
        obj[depth] = null;
        depth++;
    }

    private boolean constructing(Object o) {
        for (int i = depth - 1; i >= 0; i--) if (obj[i] == o) return true;
        return false;
    }

    private static void fail(Throwable t) {
        live = false;
        busy = false;
        System.err.println("dvmlab in-process FIA: stopped: " + t);
    }

    // ---------------------------------------------------------------- hooks

    // The events, as event() dispatches them.
    private static final int ALLOC = 0, GETFIELD = 1, PUTFIELD = 2, GETSTATIC = 3, PUTSTATIC = 4, INIT_ENTER = 5,
            INITIALIZED = 6, INIT_EXIT = 7, CLINIT_ENTER = 8, CLINIT_EXIT = 9;

    public static void alloc(Object o, int site) { event(ALLOC, o, site, 0); }

    public static void getfield(Object o, int f, int nameId) { if (o != null) event(GETFIELD, o, f, nameId); }

    public static void putfield(Object o, int f, int nameId) { event(PUTFIELD, o, f, nameId); }

    public static void getstatic(int f) { event(GETSTATIC, null, f, 0); }

    public static void putstatic(int f, int owner) { event(PUTSTATIC, null, f, owner); }

    public static void initEnter(int method) { event(INIT_ENTER, null, method, 0); }

    public static void initialized(Object self, int method) { if (self != null) event(INITIALIZED, self, method, 0); }

    public static void initExit(Object self, int method) { event(INIT_EXIT, self, method, 0); }

    public static void clinitEnter(int method, int owner) { event(CLINIT_ENTER, null, method, owner); }

    public static void clinitExit(int method, int owner) { event(CLINIT_EXIT, null, method, owner); }

    /**
     * event runs one event under the analysis's lock, unless it is the
     * analysis's own (busy: the lock's holder is inside the analysis) or
     * a daemon thread's. A failure stops the analysis rather than the
     * program.
     */
    private static void event(int kind, Object o, int a, int b) {
        if (!live) return;
        synchronized (lock) {
            if (busy || !live) return;
            busy = true;
            try {
                ShadowFIA t = thread();
                if (t != null) {
                    switch (kind) {
                        case ALLOC: onAlloc(t, o, a); break;
                        case GETFIELD: onGetfield(o, a, b); break;
                        case PUTFIELD: t.onPutfield(o, a, b); break;
                        case GETSTATIC: onGetstatic(a); break;
                        case PUTSTATIC: t.onPutstatic(a, b); break;
                        case INIT_ENTER: t.push(false, a); break;
                        case INITIALIZED: t.bind(o, a); break;
                        case INIT_EXIT: t.popInit(o, a); break;
                        case CLINIT_ENTER: t.push(true, b); break;
                        case CLINIT_EXIT: t.popClinit(b); break;
                        default: throw new IllegalArgumentException("event " + kind);
                    }
                }
            } catch (Throwable e) {
                fail(e);
            }
            busy = false;
        }
    }

    private static void onAlloc(ShadowFIA t, Object o, int site) {
        site(site);
        siteObjects[site]++;
        countThreadSite(((long) t.nameIndex << 32) | site);
        if (o != null) {
            int[] s = state(o);
            s[0] = site + 1;
            if (s[1] != 0) siteMutated[site]++;
        }
    }

    private static void onGetfield(Object o, int f, int nameId) {
        field(f);
        reads[f]++;
        orBits(o, state(o), nameId, 1);
    }

    private void onPutfield(Object o, int f, int nameId) {
        field(f);
        if (o == null) {
            // this before super(): the innermost frame is an unbound constructor
            if (depth > 0 && !clinit[depth - 1] && obj[depth - 1] == null) {
                writes[f]++;
                ctorWrites[f]++;
            }
        } else if (constructing(o)) {
            writes[f]++;
            ctorWrites[f]++;
        } else {
            writes[f]++;
            int[] s = state(o);
            int old = orBits(o, s, nameId, 2);
            s = state(o);
            if ((old & 1) != 0) verdict[f] = 2;
            else if (verdict[f] < 1) verdict[f] = 1;
            if (s[1] == 0) {
                s[1] = 1;
                if (s[0] > 0) siteMutated[s[0] - 1]++;
            }
        }
    }

    private static void onGetstatic(int f) {
        field(f);
        reads[f]++;
        staticRead[f] = true;
    }

    private void onPutstatic(int f, int owner) {
        field(f);
        writes[f]++;
        boolean inInit = false;
        for (int i = depth - 1; i >= 0 && !inInit; i--) inInit = clinit[i] && id[i] == owner;
        if (inInit) {
            ctorWrites[f]++;
        } else if (staticRead[f]) {
            verdict[f] = 2;
        } else if (verdict[f] < 1) {
            verdict[f] = 1;
        }
    }

    /** bind gives the innermost unbound frame of constructor method its object. */
    private void bind(Object self, int method) {
        for (int i = depth - 1; i >= 0; i--) {
            if (!clinit[i] && id[i] == method && obj[i] == null) {
                obj[i] = self;
                return;
            }
        }
    }

    private void popInit(Object self, int method) {
        for (int i = depth - 1; i >= 0; i--) {
            if (!clinit[i] && id[i] == method && (obj[i] == null || self == null || obj[i] == self)) {
                popTo(i);
                return;
            }
        }
    }

    private void popClinit(int owner) {
        for (int i = depth - 1; i >= 0; i--) {
            if (clinit[i] && id[i] == owner) {
                popTo(i);
                return;
            }
        }
    }

    private void popTo(int i) {
        for (int j = i; j < depth; j++) obj[j] = null;
        depth = i;
    }

    private static void countThreadSite(long key) {
        if ((tsSize + 1) * 2 > tsKeys.length) {
            long[] ks = tsKeys, cs = tsCounts;
            int cap = Math.max(1024, ks.length * 2);
            tsKeys = new long[cap];
            tsCounts = new long[cap];
            tsSize = 0;
            for (int i = 0; i < ks.length; i++) if (cs[i] != 0) insertThreadSite(ks[i], cs[i]);
        }
        insertThreadSite(key, 1);
    }

    private static void insertThreadSite(long key, long n) {
        int mask = tsKeys.length - 1;
        int i = (int) (key ^ (key >>> 29) ^ (key * 0x9E3779B97F4A7C15L >>> 40)) & mask;
        for (; tsCounts[i] != 0; i = (i + 1) & mask) {
            if (tsKeys[i] == key) {
                tsCounts[i] += n;
                return;
            }
        }
        tsKeys[i] = key;
        tsCounts[i] = n;
        tsSize++;
    }

    /**
     * dump stops the analysis and returns its results: 0x464941 ("FIA"),
     * then the fields observed (count, then per field: id, verdict, writes,
     * constructor writes, reads), the sites (count, then id, objects,
     * mutated), and allocations by thread and site (count, then site id,
     * allocations, name length, the name's chars one per long).
     */
    public static long[] dump() {
        synchronized (lock) {
            live = false;
            int nf = 0, ns = 0, nts = 0, chars = 0;
            for (int f = 0; f <= maxField; f++) if (writes[f] + reads[f] > 0) nf++;
            for (int s = 0; s <= maxSite; s++) if (siteObjects[s] > 0) ns++;
            for (int i = 0; i < tsKeys.length; i++) {
                if (tsCounts[i] != 0) {
                    nts++;
                    chars += names[(int) (tsKeys[i] >>> 32)].length();
                }
            }
            long[] out = new long[4 + 5 * nf + 3 * ns + 3 * nts + chars];
            int k = 0;
            out[k++] = 0x464941;
            out[k++] = nf;
            for (int f = 0; f <= maxField; f++) {
                if (writes[f] + reads[f] == 0) continue;
                out[k++] = f;
                out[k++] = verdict[f];
                out[k++] = writes[f];
                out[k++] = ctorWrites[f];
                out[k++] = reads[f];
            }
            out[k++] = ns;
            for (int s = 0; s <= maxSite; s++) {
                if (siteObjects[s] == 0) continue;
                out[k++] = s;
                out[k++] = siteObjects[s];
                out[k++] = siteMutated[s];
            }
            out[k++] = nts;
            for (int i = 0; i < tsKeys.length; i++) {
                if (tsCounts[i] == 0) continue;
                String name = names[(int) (tsKeys[i] >>> 32)];
                out[k++] = (int) tsKeys[i];
                out[k++] = tsCounts[i];
                out[k++] = name.length();
                for (int c = 0; c < name.length(); c++) out[k++] = name.charAt(c);
            }
            return out;
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

package dvmlab.runtime;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DVM security service's enforcement manager (paper section 3.2): the
 * client side of the checks the security service inserts into application
 * code. The inserted code names its own class as the subject, so no stack
 * is walked; the subject's part of the policy (its rules, and the guards) is
 * downloaded from the security server in the proxy on the first check, and
 * decisions are cached per subject, permission and resource. A thread waits
 * on the server for invalidations: when the policy changes, the next check
 * downloads it again. A denied check throws SecurityException naming the
 * rule, and is reported to the server's audit trail. When the server cannot
 * be reached, every check is denied and the exception says so.
 */
public final class Security {
    static final String BASE = "http://dvmlab.proxy/security/";
    /** The session the launcher got in its handshake. */
    static final String SESSION_PROPERTY = "dvmlab.session";

    private Security() {}

    /** Bumped on every invalidation; a subject's state from an older epoch is stale. */
    static volatile int epoch;
    /** The policy version the server last announced, -1 before any. */
    static volatile long version = -1;
    /** System.currentTimeMillis() of the last invalidation received, for measurements. */
    public static volatile long lastInvalidation;
    private static volatile boolean watching;

    /**
     * The streams and readers opened on files, and the file each reads:
     * keyed weakly by identity, so a stream the program drops is not kept,
     * and read without a lock on every checked read.
     */
    static final ConcurrentHashMap<Object, String> streams = new ConcurrentHashMap<>();
    static final ReferenceQueue<Object> dropped = new ReferenceQueue<>();

    /** A stream as a key of streams: weak, compared by identity. */
    static final class StreamKey extends WeakReference<Object> {
        final int hash;

        StreamKey(Object o) {
            super(o, dropped);
            hash = System.identityHashCode(o);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            Object mine = get();
            if (o instanceof StreamKey) {
                return mine != null && mine == ((StreamKey) o).get();
            }
            return o instanceof Probe && mine == ((Probe) o).o;
        }
    }

    /** A lookup of a stream in streams, without making a reference. */
    static final class Probe {
        final Object o;
        final int hash;

        Probe(Object o) {
            this.o = o;
            hash = System.identityHashCode(o);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object k) {
            return k instanceof StreamKey && ((StreamKey) k).get() == o;
        }
    }

    static String streamFile(Object s) {
        return streams.get(new Probe(s));
    }

    static void putStream(Object s, String file) {
        for (Object k; (k = dropped.poll()) != null; ) {
            streams.remove(k);
        }
        streams.put(new StreamKey(s), file);
    }

    static final ConcurrentHashMap<String, Subject> byCodebase = new ConcurrentHashMap<>();
    static final ConcurrentHashMap<String, Subject> byName = new ConcurrentHashMap<>();
    static final ClassValue<Subject> byClass = new ClassValue<Subject>() {
        @Override
        protected Subject computeValue(Class<?> c) {
            return subjectFor(codebase(c));
        }
    };

    /** One rule of the subject's part of the access matrix. */
    static final class Rule {
        boolean allow;
        String perm, label;
        String[] kinds, patterns;
    }

    /** One guard: the manager checks reflective calls and method handles against them. */
    static final class Guard {
        String perm, owner, name, desc, kind, constant;
        int arg;

        boolean matches(String o, String n, String d) {
            return glob(owner, o) && glob(name, n) && (desc == null || desc.equals(d));
        }
    }

    /** A subject's policy and decisions, valid for one epoch. */
    static final class State {
        final int epoch;
        final List<Rule> rules = new ArrayList<>();
        final List<Guard> guards = new ArrayList<>();
        boolean defaultAllow;
        /** null when the server answered; else why it could not be reached. */
        String unreachable;
        long at;
        /** permission -> resource -> "" (allowed) or the denying rule. */
        final ConcurrentHashMap<String, ConcurrentHashMap<String, String>> cache = new ConcurrentHashMap<>();

        State(int epoch) {
            this.epoch = epoch;
        }
    }

    /** Code from one codebase, for the session's user. */
    static final class Subject {
        final String codebase;
        volatile State state;

        Subject(String codebase) {
            this.codebase = codebase;
        }

        State current() {
            State s = state;
            int e = epoch;
            if (s != null && s.epoch == e && (s.unreachable == null || System.currentTimeMillis() - s.at < 1000)) {
                return s;
            }
            synchronized (this) {
                s = state;
                if (s == null || s.epoch != epoch || s.unreachable != null && System.currentTimeMillis() - s.at >= 1000) {
                    s = download(this, epoch);
                    state = s;
                }
                return s;
            }
        }
    }

    static Subject subjectFor(String codebase) {
        Subject s = byCodebase.get(codebase);
        if (s == null) {
            Subject n = new Subject(codebase);
            s = byCodebase.putIfAbsent(codebase, n);
            if (s == null) {
                s = n;
            }
        }
        return s;
    }

    static Subject subject(Object caller) {
        if (caller instanceof Class) {
            return byClass.get((Class<?>) caller);
        }
        // Code older than class-file version 49 names itself by its name.
        String name = String.valueOf(caller);
        Subject s = byName.get(name);
        if (s == null) {
            String cb = "";
            try {
                cb = codebase(Class.forName(name.replace('/', '.'), false, Thread.currentThread().getContextClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                // unknown code: the empty codebase
            }
            s = subjectFor(cb);
            byName.put(name, s);
        }
        return s;
    }

    /** The URL the class was loaded from, "" when there is none. */
    static String codebase(Class<?> c) {
        ProtectionDomain pd = c.getProtectionDomain();
        CodeSource cs = pd == null ? null : pd.getCodeSource();
        URL u = cs == null ? null : cs.getLocation();
        return u == null ? "" : u.toString();
    }

    /**
     * The check the security service inserts: may the caller (a Class, or
     * a class name) have permission on resource, a value of the given kind?
     */
    public static void check(Object resource, String permission, String kind, Object caller) {
        Subject sub = subject(caller);
        State st = sub.current();
        if (st.unreachable != null) {
            throw new SecurityException("dvmlab security: " + permission + " denied to " + sub.codebase
                    + ": the security server is unreachable (" + st.unreachable + ")");
        }
        ConcurrentHashMap<String, String> pc = st.cache.get(permission);
        if (pc == null) {
            pc = new ConcurrentHashMap<>();
            ConcurrentHashMap<String, String> old = st.cache.putIfAbsent(permission, pc);
            if (old != null) {
                pc = old;
            }
        }
        String key = null;
        String name = null;
        if (resource instanceof String) {
            key = (String) resource;
        } else {
            name = resolve(kind, resource);
            if (name == null) {
                return; // not a resource of this kind: a stream on no file
            }
            key = name;
        }
        String d = pc.get(key);
        if (d == null) {
            if (name == null) {
                name = resolve(kind, resource);
            }
            d = decide(st, permission, kind, name);
            pc.put(key, d);
        }
        if (!d.isEmpty()) {
            if (name == null) {
                name = resolve(kind, resource);
            }
            deny(sub, permission, kind, name, d);
        }
    }

    static void deny(Subject sub, String permission, String kind, String name, String rule) {
        String msg = "dvmlab security: " + permission + " on " + kind + " " + name + " denied to " + (sub.codebase.isEmpty() ? "code of unknown origin" : sub.codebase)
                + " by " + rule;
        try {
            get("denied?permission=" + enc(permission) + "&kind=" + enc(kind) + "&resource=" + enc(name) + "&codebase=" + enc(sub.codebase)
                    + "&rule=" + enc(rule), 5000);
        } catch (IOException e) {
            msg += " (not written to the audit trail: " + e + ")";
        }
        throw new SecurityException(msg);
    }

    /** The name a resource value has in the policy. */
    static String resolve(String kind, Object r) {
        if (r == null) {
            return "null";
        }
        switch (kind) {
            case "file":
                if (r instanceof String) {
                    // Opening the same name again is common (and the
                    // working directory of a JVM does not change).
                    String n = normalized.get(r);
                    if (n == null) {
                        n = normalize(new File((String) r));
                        if (normalized.size() < 4096) {
                            normalized.put((String) r, n);
                        }
                    }
                    return n;
                }
                if (r instanceof File) {
                    return normalize((File) r);
                }
                if (r instanceof Path) {
                    return ((Path) r).toAbsolutePath().normalize().toString();
                }
                return streamFile(r); // a stream: the file it was opened on, if any
            case "thread":
                return r instanceof Thread ? ((Thread) r).getName() : String.valueOf(r);
            case "host":
                if (r instanceof InetSocketAddress) {
                    InetSocketAddress a = (InetSocketAddress) r;
                    return a.getHostString() + ":" + a.getPort();
                }
                return String.valueOf(r);
            default:
                return String.valueOf(r);
        }
    }

    static final ConcurrentHashMap<String, String> normalized = new ConcurrentHashMap<>();

    static String normalize(File f) {
        return f.getAbsoluteFile().toPath().normalize().toString();
    }

    /** "" for allowed, else the rule (or default) that denies. */
    static String decide(State st, String perm, String kind, String name) {
        String allowed = null;
        for (Rule r : st.rules) {
            if (!r.perm.equals(perm)) {
                continue;
            }
            for (int i = 0; i < r.kinds.length; i++) {
                if (r.kinds[i].equals(kind) && glob(r.patterns[i], name)) {
                    if (!r.allow) {
                        return r.label;
                    }
                    if (allowed == null) {
                        allowed = r.label;
                    }
                    break;
                }
            }
        }
        if (allowed != null || st.defaultAllow) {
            return "";
        }
        return "the policy's default (deny)";
    }

    /**
     * Records that made (a stream or reader) reads the file from names: a
     * path, or a stream already recorded, which made wraps.
     */
    public static void opened(Object made, Object from) {
        if (made == null || from == null) {
            return;
        }
        String f;
        if (from instanceof String || from instanceof File || from instanceof Path) {
            f = resolve("file", from);
        } else {
            f = streamFile(from);
        }
        if (f != null) {
            putStream(made, f);
        }
    }

    /** Before Method.invoke: the target is checked against the guards. */
    public static void checkInvoke(Method m, Object target, Object[] args, Object caller) {
        String owner = m.getDeclaringClass().getName().replace('.', '/');
        String desc = MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
        boolean isStatic = Modifier.isStatic(m.getModifiers());
        for (Guard g : subject(caller).current().guards) {
            if (g.matches(owner, m.getName(), desc) || g.arg == -1 && !isStatic && target != null && subclassMatches(g, target.getClass(), m.getName(), desc)) {
                check(guardResource(g, target, args), g.perm, g.kind, caller);
            }
        }
    }

    /** Before Constructor.newInstance: the constructor is checked against the guards. */
    public static void checkNew(Constructor<?> c, Object[] args, Object caller) {
        String owner = c.getDeclaringClass().getName().replace('.', '/');
        String desc = MethodType.methodType(void.class, c.getParameterTypes()).toMethodDescriptorString();
        for (Guard g : subject(caller).current().guards) {
            if (g.arg != -1 && g.matches(owner, "<init>", desc)) {
                check(guardResource(g, null, args), g.perm, g.kind, caller);
            }
        }
    }

    static boolean subclassMatches(Guard g, Class<?> k, String name, String desc) {
        for (; k != null; k = k.getSuperclass()) {
            if (g.matches(k.getName().replace('.', '/'), name, desc)) {
                return true;
            }
        }
        return false;
    }

    static Object guardResource(Guard g, Object target, Object[] args) {
        if (g.arg == -2) {
            return g.constant;
        }
        if (g.arg == -1) {
            return target;
        }
        Object a = args != null && g.arg < args.length ? args[g.arg] : null;
        return a instanceof String || a instanceof File || a instanceof Path || a == null || a instanceof InetSocketAddress || a instanceof Thread ? a : String.valueOf(a);
    }

    // Method-handle lookups: the handle of a guarded target runs its check first.

    public static MethodHandle findStatic(MethodHandles.Lookup l, Class<?> c, String n, MethodType t, Object caller) throws ReflectiveOperationException {
        return wrap(l.findStatic(c, n, t), c, n, t, 0, caller);
    }

    public static MethodHandle findVirtual(MethodHandles.Lookup l, Class<?> c, String n, MethodType t, Object caller) throws ReflectiveOperationException {
        return wrap(l.findVirtual(c, n, t), c, n, t, 1, caller);
    }

    public static MethodHandle findSpecial(MethodHandles.Lookup l, Class<?> c, String n, MethodType t, Class<?> special, Object caller)
            throws ReflectiveOperationException {
        return wrap(l.findSpecial(c, n, t, special), c, n, t, 1, caller);
    }

    public static MethodHandle findConstructor(MethodHandles.Lookup l, Class<?> c, MethodType t, Object caller) throws ReflectiveOperationException {
        return wrap(l.findConstructor(c, t), c, "<init>", t, 0, caller);
    }

    public static MethodHandle unreflect(MethodHandles.Lookup l, Method m, Object caller) throws ReflectiveOperationException {
        return wrap(l.unreflect(m), m.getDeclaringClass(), m.getName(), MethodType.methodType(m.getReturnType(), m.getParameterTypes()),
                Modifier.isStatic(m.getModifiers()) ? 0 : 1, caller);
    }

    public static MethodHandle unreflectConstructor(MethodHandles.Lookup l, Constructor<?> c, Object caller) throws ReflectiveOperationException {
        return wrap(l.unreflectConstructor(c), c.getDeclaringClass(), "<init>", MethodType.methodType(void.class, c.getParameterTypes()), 0, caller);
    }

    static final MethodHandle CHECK;

    static {
        try {
            CHECK = MethodHandles.lookup().findStatic(Security.class, "check",
                    MethodType.methodType(void.class, Object.class, String.class, String.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** h with a check in front for each guard its target matches; recv is 1 when the handle's first parameter is the receiver. */
    static MethodHandle wrap(MethodHandle h, Class<?> c, String n, MethodType t, int recv, Object caller) {
        String owner = c.getName().replace('.', '/');
        String desc = t.toMethodDescriptorString();
        for (Guard g : subject(caller).current().guards) {
            if (!g.matches(owner, n, desc) || g.arg == -1 && recv == 0) {
                continue;
            }
            MethodHandle chk = MethodHandles.insertArguments(CHECK, 1, g.perm, g.kind, caller);
            if (g.arg == -2) {
                chk = MethodHandles.insertArguments(chk, 0, g.constant);
            } else {
                int pos = g.arg == -1 ? 0 : g.arg + recv;
                Class<?> p = h.type().parameterType(pos);
                if (p.isPrimitive()) {
                    // The manager names a primitive resource by its text.
                    MethodHandle text = MethodHandles.explicitCastArguments(STRING_OF, MethodType.methodType(String.class, p));
                    chk = MethodHandles.filterArguments(MethodHandles.insertArguments(CHECK, 1, g.perm, g.kind, caller), 0,
                            text.asType(MethodType.methodType(Object.class, p)));
                } else {
                    chk = chk.asType(MethodType.methodType(void.class, p));
                }
                chk = MethodHandles.dropArguments(chk, 0, h.type().parameterList().subList(0, pos));
            }
            h = MethodHandles.foldArguments(h, chk);
        }
        return h;
    }

    static final MethodHandle STRING_OF;

    static {
        try {
            STRING_OF = MethodHandles.lookup().findStatic(String.class, "valueOf", MethodType.methodType(String.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // The security server.

    static State download(Subject sub, int e) {
        State st = new State(e);
        st.at = System.currentTimeMillis();
        try {
            String text = get("policy?codebase=" + enc(sub.codebase) + "&user=" + enc(System.getProperty("user.name", "")), 10000);
            for (String line : text.split("\n")) {
                String[] f = line.trim().split(" ");
                switch (f[0]) {
                    case "version":
                        long v = Long.parseLong(f[1]);
                        if (version < 0) {
                            version = v;
                        }
                        break;
                    case "default":
                        st.defaultAllow = "allow".equals(f[1]);
                        break;
                    case "rule": {
                        Rule r = new Rule();
                        r.allow = "allow".equals(f[1]);
                        r.perm = dec(f[2]);
                        r.label = dec(f[3]);
                        int n = (f.length - 4) / 2;
                        r.kinds = new String[n];
                        r.patterns = new String[n];
                        for (int i = 0; i < n; i++) {
                            r.kinds[i] = f[4 + 2 * i];
                            r.patterns[i] = dec(f[5 + 2 * i]);
                        }
                        st.rules.add(r);
                        break;
                    }
                    case "guard": {
                        Guard g = new Guard();
                        g.perm = dec(f[1]);
                        g.owner = dec(f[2]);
                        g.name = dec(f[3]);
                        g.desc = "-".equals(f[4]) ? null : f[4];
                        g.kind = f[5];
                        g.arg = Integer.parseInt(f[6]);
                        g.constant = "-".equals(f[7]) ? "" : dec(f[7]);
                        st.guards.add(g);
                        break;
                    }
                    default:
                        break;
                }
            }
            watch();
        } catch (IOException | RuntimeException ex) {
            st.unreachable = ex.toString();
        }
        return st;
    }

    /** Starts the thread that waits for invalidations, once. */
    static synchronized void watch() {
        if (watching) {
            return;
        }
        watching = true;
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    String r = get("watch?version=" + version, 60000).trim();
                    if (r.startsWith("version ")) {
                        long v = Long.parseLong(r.substring("version ".length()).trim());
                        if (v != version) {
                            version = v;
                            epoch++;
                            lastInvalidation = System.currentTimeMillis();
                        }
                    }
                } catch (IOException | RuntimeException ex) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "dvmlab-security-invalidations");
        t.setDaemon(true);
        t.start();
    }

    static String get(String path, int timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(BASE + path).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(timeout);
        String session = System.getProperty(SESSION_PROPERTY, "");
        if (!session.isEmpty()) {
            c.setRequestProperty("X-Dvmlab-Session", session);
        }
        if (c.getResponseCode() != 200) {
            throw new IOException("security server: HTTP " + c.getResponseCode() + " for " + path);
        }
        StringBuilder b = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    static String enc(String s) {
        try {
            return URLEncoder.encode(s, "UTF-8");
        } catch (java.io.UnsupportedEncodingException e) {
            throw new AssertionError(e);
        }
    }

    static String dec(String s) {
        try {
            return URLDecoder.decode(s, "UTF-8");
        } catch (java.io.UnsupportedEncodingException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Glob matching as the policy defines it (core/policy.Match): * is any
     * run of characters but '/', ** any run at all, ? one character but '/'.
     */
    public static boolean glob(String p, String s) {
        return glob(p, 0, s, 0);
    }

    private static boolean glob(String p, int i, String s, int j) {
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '*' && i + 1 < p.length() && p.charAt(i + 1) == '*') {
                int k = i;
                while (k < p.length() && p.charAt(k) == '*') {
                    k++;
                }
                for (int x = s.length(); x >= j; x--) {
                    if (glob(p, k, s, x)) {
                        return true;
                    }
                }
                return false;
            }
            if (c == '*') {
                for (int x = j; x <= s.length(); x++) {
                    if (glob(p, i + 1, s, x)) {
                        return true;
                    }
                    if (x < s.length() && s.charAt(x) == '/') {
                        return false;
                    }
                }
                return false;
            }
            if (j >= s.length() || (c == '?' ? s.charAt(j) == '/' : s.charAt(j) != c)) {
                return false;
            }
            i++;
            j++;
        }
        return j == s.length();
    }
}

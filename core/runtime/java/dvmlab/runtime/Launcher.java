package dvmlab.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.net.URLEncoder;
import java.net.URLStreamHandler;
import java.net.URLStreamHandlerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

/**
 * The DVM client's launcher: introduces itself to the proxy (user, JVM, OS,
 * architecture), then loads an application from an http URL, a jar (URL
 * ending in .jar) or a directory fetched one class at a time (URL ending in
 * /), through the proxy that the standard http.proxyHost and http.proxyPort
 * properties name, and runs its main class. Every request carries the
 * session, so the proxy's audit trail knows whose classes it served.
 *
 * When the property dvmlab.runtime.boot names a directory that is on the
 * boot class path (-Xbootclasspath/a:DIR, empty at start), the launcher
 * unpacks the runtime it takes from the proxy there, where every class
 * loader sees it: rewritten code in a plug-in loader whose parent is the
 * platform loader, or one with no parent at all, still finds the classes it
 * calls. The boot loader looks classes up in such a directory when they are
 * first asked for, so filling it after start-up is enough, and leaves
 * class-data sharing on. Without it the runtime comes through the
 * application's parent loader, which only the application's own loaders
 * see.
 *
 * A jar's manifest Class-Path is resolved against the jar's URL, as the JDK
 * resolves it, and those jars come through the proxy too.
 *
 * Usage: java -cp dvmlab-runtime.jar dvmlab.runtime.Launcher URL[,URL...] MAINCLASS [ARGS...]
 */
public final class Launcher {
    static final String SESSION_HEADER = "X-Dvmlab-Session";
    static final String SIGNATURE_HEADER = "X-Dvmlab-Signature";
    static final int SIG = 64;

    /** The proxy's key from the handshake; null when the proxy signs nothing. */
    static PublicKey key;
    /** Whether a proxy answered the handshake. */
    static boolean handshook;

    /** The boot class path directory the runtime goes to, or null. */
    static final String BOOT_PROPERTY = "dvmlab.runtime.boot";

    private Launcher() {}


    public static void main(String[] args) throws Throwable {
        // What goes wrong before the program's main runs is the launcher's
        // to report: one line, as every dvmlab command reports its errors,
        // and exit status 1. What the program throws is the program's.
        Method m;
        try {
            m = prepare(args);
        } catch (Throwable e) {
            System.err.println("dvmlab run: " + describe(e));
            System.exit(1);
            return;
        }
        try {
            m.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A failure of the launcher's own work: what it was doing, and why it failed. */
    static final class LaunchException extends Exception {
        LaunchException(String what, Throwable why) {
            super(what, why);
        }
    }

    /** One line for a launch failure: "what: why", without a stack trace. */
    static String describe(Throwable e) {
        String what = null;
        if (e instanceof LaunchException) {
            what = e.getMessage();
            e = e.getCause();
        }
        String why;
        if (e instanceof java.net.ConnectException) {
            why = "cannot connect: " + e.getMessage();
        } else if (e instanceof java.net.UnknownHostException) {
            why = "unknown host " + e.getMessage();
        } else if (e instanceof java.net.SocketTimeoutException) {
            why = "timed out: " + e.getMessage();
        } else if (e instanceof ClassNotFoundException) {
            why = "no class " + e.getMessage() + " at the URLs given";
        } else if (e instanceof NoSuchMethodException) {
            why = "no public static void main(String[]): " + e.getMessage();
        } else if (e instanceof LinkageError) {
            why = e.getClass().getName() + ": " + e.getMessage();
        } else {
            why = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        }
        why = why.replaceFirst("^dvmlab launcher: ", "").replace('\n', ' ');
        return what == null ? why : what + ": " + why;
    }

    /** Everything before the program's main: handshake, runtime, class path, main class. */
    static Method prepare(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: dvmlab.runtime.Launcher URL[,URL...] MAINCLASS [ARGS...]");
            System.exit(2);
        }
        // One URL, or several separated by commas (a program and the jars it
        // depends on), searched in order like a class path.
        String[] specs = args[0].split(",");
        for (String spec : specs) {
            if (!spec.endsWith("/") && !spec.endsWith(".jar")) {
                throw new LaunchException(spec, new IOException("a URL must end in .jar or / (a directory of classes)"));
            }
        }
        String session = handshake(args[0]);
        // The security manager and the monitor's batches, wherever they load, name the session.
        System.setProperty("dvmlab.session", session);
        // The runtime's classes come from the proxy on demand, checked like
        // the application's; the launcher alone is local.
        ClassLoader parent = Launcher.class.getClassLoader();
        String boot = System.getProperty(BOOT_PROPERTY);
        if (handshook && boot != null) {
            bootRuntime(session, java.nio.file.Paths.get(boot));
        } else if (handshook) {
            URL rt = new URL(null, "http://dvmlab.proxy/runtime/", new SessionHandler(session));
            // Only the runtime's own package is asked of the proxy: every
            // other class the application loads would otherwise cost a
            // request (and a 404) on its way down the delegation chain.
            parent = key == null ? new RuntimeLoader(rt, parent) : new SignedClassLoader(new URL[] {rt}, session, parent, RUNTIME_PREFIX);
        }
        // Jars load from their own URLs, so that their code source, their
        // manifest's Class-Path and their multi-release entries are what a
        // JVM loading them from the origin would see; the jar handler fetches
        // each once through the proxy and checks the signature beside it.
        JarHandler jars = new JarHandler(session);
        URLStreamHandlerFactory factory = protocol -> "http".equals(protocol) ? new SessionHandler(session)
                : "jar".equals(protocol) ? jars : null;
        List<URL> path = new ArrayList<>();
        boolean dirs = false;
        for (String spec : specs) {
            URL u = new URL(null, spec, new SessionHandler(session));
            if (spec.endsWith(".jar")) {
                try {
                    jars.jarFile(spec); // refused or missing: say so now
                } catch (IOException | SecurityException e) {
                    throw new LaunchException(spec, e);
                }
            } else {
                dirs = true;
            }
            path.add(u);
        }
        URLClassLoader loader;
        if (key != null && dirs) {
            loader = new SignedClassLoader(path.toArray(new URL[0]), session, parent, "", factory);
        } else {
            loader = new URLClassLoader(path.toArray(new URL[0]), parent, factory);
        }
        Thread.currentThread().setContextClassLoader(loader);
        // Initialised by the call to main, so that what its static
        // initialiser throws is the program's, as under plain java.
        Class<?> main;
        try {
            main = Class.forName(args[1], false, loader);
        } catch (ClassNotFoundException e) {
            throw new LaunchException("main class " + args[1], new IOException("not found at " + args[0]));
        }
        Method m;
        try {
            m = main.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            throw new LaunchException("main class " + args[1], new IOException("has no public main(String[])"));
        }
        if (!Modifier.isStatic(m.getModifiers())) {
            throw new LaunchException("main class " + args[1], new IOException("main is not static"));
        }
        return m;
    }

    /**
     * Serves jar: URLs over http jars from local copies: each jar is fetched
     * once through the proxy (with the session), its signature beside it
     * checked, and kept in a directory of its own; class loaders and
     * resource URLs then read that copy while naming the jar by its URL.
     */
    static final class JarHandler extends URLStreamHandler {
        private final String session;
        private final java.util.concurrent.ConcurrentHashMap<String, JarFile> open = new java.util.concurrent.ConcurrentHashMap<>();

        JarHandler(String session) {
            this.session = session;
        }

        @Override
        protected URLConnection openConnection(URL u) throws IOException {
            String spec = u.getFile();
            int sep = spec.indexOf("!/");
            if (sep < 0) {
                throw new java.net.MalformedURLException("no !/ in " + u);
            }
            return new LocalJarConnection(u, jarFile(spec.substring(0, sep)));
        }

        /** The local copy of the jar at url, fetched on first use. */
        JarFile jarFile(String url) throws IOException {
            JarFile jf = open.get(url);
            if (jf != null) {
                return jf;
            }
            synchronized (this) {
                jf = open.get(url);
                if (jf == null) {
                    jf = fetch(url);
                    open.put(url, jf);
                }
                return jf;
            }
        }

        private JarFile fetch(String spec) throws IOException {
            URLConnection c = open(new URL(spec), session);
            checkStatus(c);
            byte[] jarBytes = readAll(c.getInputStream());
            if (key != null) {
                String sig = c.getHeaderField(SIGNATURE_HEADER);
                if (sig == null || !verify(jarBytes, 0, jarBytes.length, Base64.getDecoder().decode(sig))) {
                    throw new SecurityException("dvmlab launcher: " + spec + " is " + (sig == null ? "unsigned" : "altered") + "; refusing it");
                }
            }
            Path dir = Files.createTempDirectory("dvmlab-app");
            String path = new URL(spec).getPath();
            String base = path.substring(path.lastIndexOf('/') + 1);
            Path jar = dir.resolve(base.isEmpty() ? "app.jar" : base);
            Files.write(jar, jarBytes);
            jar.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return openJar(jar.toFile());
        }
    }

    /**
     * Opens a jar for the running release (multi-release entries chosen as
     * the JVM's own class path chooses them), with signature checks; on a
     * release 8 JVM, which has no multi-release jars, plainly.
     */
    static JarFile openJar(java.io.File f) throws IOException {
        try {
            Class<?> version = Class.forName("java.lang.Runtime$Version");
            Object v = JarFile.class.getMethod("runtimeVersion").invoke(null);
            return (JarFile) JarFile.class.getConstructor(java.io.File.class, boolean.class, int.class, version)
                    .newInstance(f, true, java.util.zip.ZipFile.OPEN_READ, v);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            throw new IOException(e.getCause());
        } catch (ReflectiveOperationException e) {
            return new JarFile(f, true);
        }
    }

    /** A jar: URL's connection over a local copy of the jar. */
    static final class LocalJarConnection extends java.net.JarURLConnection {
        private final JarFile jar;
        private JarEntry entry;

        LocalJarConnection(URL u, JarFile jar) throws java.net.MalformedURLException {
            super(u);
            this.jar = jar;
        }

        @Override
        public void connect() throws IOException {
            if (connected) {
                return;
            }
            String name = getEntryName();
            if (name != null) {
                entry = jar.getJarEntry(name);
                if (entry == null) {
                    throw new java.io.FileNotFoundException("JAR entry " + name + " not found in " + getJarFileURL());
                }
            }
            connected = true;
        }

        @Override
        public JarFile getJarFile() throws IOException {
            connect();
            return jar;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            connect();
            if (entry == null) {
                throw new IOException("no entry name specified in " + url);
            }
            return jar.getInputStream(entry);
        }

        @Override
        public int getContentLength() {
            long n = getContentLengthLong();
            return n > Integer.MAX_VALUE ? -1 : (int) n;
        }

        @Override
        public long getContentLengthLong() {
            try {
                connect();
            } catch (IOException e) {
                return -1;
            }
            return entry == null ? -1 : entry.getSize();
        }
    }

    /**
     * Takes the runtime from the proxy as one signed jar and unpacks its
     * classes into dir, a directory on the boot class path, where every
     * class loader finds them.
     */
    static void bootRuntime(String session, Path dir) throws IOException {
        URLConnection c = open(new URL("http://dvmlab.proxy/runtime.jar"), session);
        byte[] b = readAll(c.getInputStream());
        if (key != null) {
            String sig = c.getHeaderField(SIGNATURE_HEADER);
            if (sig == null || !verify(b, 0, b.length, Base64.getDecoder().decode(sig))) {
                throw new SecurityException("dvmlab launcher: the runtime is " + (sig == null ? "unsigned" : "altered") + "; refusing it");
            }
        }
        Path root = dir.toAbsolutePath().normalize();
        try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(b))) {
            for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                String n = e.getName();
                if (e.isDirectory() || !n.startsWith(RUNTIME_PREFIX.replace('.', '/')) || !n.endsWith(".class")) {
                    continue;
                }
                Path f = root.resolve(n).normalize();
                if (!f.startsWith(root)) {
                    continue;
                }
                Files.createDirectories(f.getParent());
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                for (int k; (k = in.read(buf)) > 0; ) {
                    out.write(buf, 0, k);
                }
                Files.write(f, out.toByteArray());
                f.toFile().deleteOnExit();
            }
        }
    }

    /**
     * Starts a session with the proxy; without a proxy there is none. The
     * proxy learns the application's URLs, where it looks for classes that
     * computing a rewritten method's frames needs.
     */
    static String handshake(String path) throws LaunchException {
        if (System.getProperty("http.proxyHost") == null) {
            return "";
        }
        try {
            String q = "user=" + enc(System.getProperty("user.name")) + "&jvm=" + enc(System.getProperty("java.vm.version"))
                    + "&os=" + enc(System.getProperty("os.name")) + "&arch=" + enc(System.getProperty("os.arch"))
                    + "&path=" + enc(path);
            HttpURLConnection c = (HttpURLConnection) new URL("http://dvmlab.proxy/handshake?" + q).openConnection();
            String session = "";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("key=")) {
                        byte[] der = Base64.getDecoder().decode(line.substring("key=".length()));
                        key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
                    }
                    if (line.startsWith("session=")) {
                        session = line.substring("session=".length());
                        handshook = true;
                    }
                }
                return session;
            }
        } catch (java.net.ConnectException | java.net.UnknownHostException e) {
            // Nothing can be fetched through a proxy nobody answers at.
            throw new LaunchException("proxy " + System.getProperty("http.proxyHost") + ":" + System.getProperty("http.proxyPort"), e);
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("dvmlab launcher: no handshake with the proxy: " + e);
        }
        return "";
    }

    /**
     * Turns an HTTP error into an IOException that says what the server
     * said: the status and the first line of its body (the proxy and the
     * origin explain their errors there).
     */
    static void checkStatus(URLConnection c) throws IOException {
        if (!(c instanceof HttpURLConnection)) {
            return;
        }
        HttpURLConnection h = (HttpURLConnection) c;
        int code = h.getResponseCode();
        if (code < 400) {
            return;
        }
        String body = "";
        InputStream err = h.getErrorStream();
        if (err != null) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
                String line = r.readLine();
                if (line != null) {
                    body = ": " + line.trim();
                }
            }
        }
        throw new IOException("HTTP " + code + " " + h.getResponseMessage() + body);
    }

    static boolean verify(byte[] data, int off, int len, byte[] sig) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data, off, len);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (InputStream i = in) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = i.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /**
     * Loads classes one at a time from a directory URL, refusing any whose
     * signature (the last 64 bytes, over everything before them) does not
     * check against the proxy's key. Resources come through unchanged.
     */
    static final class SignedClassLoader extends URLClassLoader {
        private final URL[] path;
        private final String session;
        private final String prefix;

        SignedClassLoader(URL[] path, String session, ClassLoader parent, String prefix) {
            this(path, session, parent, prefix, null);
        }

        SignedClassLoader(URL[] path, String session, ClassLoader parent, String prefix, URLStreamHandlerFactory factory) {
            super(path, parent, factory);
            this.path = path;
            this.session = session;
            this.prefix = prefix;
        }

        @Override
        public URL findResource(String name) {
            return name.replace('/', '.').startsWith(prefix) ? super.findResource(name) : null;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.startsWith(prefix)) {
                throw new ClassNotFoundException(name);
            }
            String file = name.replace('.', '/') + ".class";
            for (URL base : path) {
                if (base.getPath().endsWith(".jar")) {
                    // A jar whose signature the jar handler checked whole.
                    URL u = findResource(file);
                    if (u == null || !"jar".equals(u.getProtocol())) {
                        continue;
                    }
                    try {
                        byte[] b = readAll(u.openStream());
                        return defineClass(name, b, 0, b.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                byte[] b;
                try {
                    b = readAll(open(new URL(base, file), session).getInputStream());
                } catch (java.io.FileNotFoundException e) {
                    continue;
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
                if (b.length <= SIG || !verify(b, 0, b.length - SIG, Arrays.copyOfRange(b, b.length - SIG, b.length))) {
                    throw new SecurityException("dvmlab launcher: class " + name + " is unsigned or altered; refusing it");
                }
                return defineClass(name, b, 0, b.length);
            }
            throw new ClassNotFoundException(name);
        }
    }

    static final String RUNTIME_PREFIX = "dvmlab.runtime.";

    /** Serves the runtime's package from the proxy, and nothing else. */
    static final class RuntimeLoader extends URLClassLoader {
        RuntimeLoader(URL base, ClassLoader parent) {
            super(new URL[] {base}, parent);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.startsWith(RUNTIME_PREFIX)) {
                throw new ClassNotFoundException(name);
            }
            return super.findClass(name);
        }

        @Override
        public URL findResource(String name) {
            return name.replace('/', '.').startsWith(RUNTIME_PREFIX) ? super.findResource(name) : null;
        }

        @Override
        public java.util.Enumeration<URL> findResources(String name) throws IOException {
            if (!name.replace('/', '.').startsWith(RUNTIME_PREFIX)) {
                return java.util.Collections.emptyEnumeration();
            }
            return super.findResources(name);
        }
    }

    static String enc(String s) throws IOException {
        return URLEncoder.encode(s == null ? "" : s, "UTF-8");
    }

    static URLConnection open(URL u, String session) throws IOException {
        URLConnection c = new URL(u.toExternalForm()).openConnection();
        if (!session.isEmpty()) {
            c.setRequestProperty(SESSION_HEADER, session);
        }
        return c;
    }

    /** An http handler that adds the session to every request. */
    static final class SessionHandler extends URLStreamHandler {
        private final String session;

        SessionHandler(String session) {
            this.session = session;
        }

        @Override
        protected URLConnection openConnection(URL u) throws IOException {
            return open(u, session);
        }
    }
}

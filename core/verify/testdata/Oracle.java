import java.io.*;
import java.net.*;
import java.nio.file.*;

/**
 * HotSpot as the oracle for the differential test: each argument after the
 * class path is a file holding a mutant of a class on that path, named
 * INDEX.CLASSNAME.class. Each mutant is defined in a loader of its own
 * whose parent sees the original program, and initialized, which links
 * and so verifies it (-Xverify:all). One line per mutant: INDEX verdict.
 */
public final class Oracle {
    static final class One extends URLClassLoader {
        final String name;
        final byte[] bytes;
        One(URL[] path, String name, byte[] bytes) {
            super(path, Oracle.class.getClassLoader());
            this.name = name;
            this.bytes = bytes;
        }
        @Override
        protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(n)) {
                if (n.equals(name)) {
                    Class<?> c = findLoadedClass(n);
                    if (c == null) {
                        c = defineClass(n, bytes, 0, bytes.length);
                    }
                    return c;
                }
                // The rest of the program comes from this loader too, so the
                // mutant's references resolve against its siblings.
                Class<?> c = findLoadedClass(n);
                if (c == null) {
                    try {
                        c = findClass(n);
                    } catch (ClassNotFoundException e) {
                        c = getParent().loadClass(n);
                    }
                }
                return c;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String[] cp = args[0].split(File.pathSeparator);
        URL[] path = new URL[cp.length];
        for (int i = 0; i < cp.length; i++) {
            path[i] = new File(cp[i]).toURI().toURL();
        }
        for (int i = 1; i < args.length; i++) {
            Path f = Paths.get(args[i]);
            String file = f.getFileName().toString();
            String idx = file.substring(0, file.indexOf('.'));
            String name = file.substring(file.indexOf('.') + 1, file.length() - ".class".length());
            byte[] b = Files.readAllBytes(f);
            String verdict;
            try {
                One l = new One(path, name, b);
                Class.forName(name, true, l);
                verdict = "accept";
            } catch (VerifyError e) {
                verdict = "reject VerifyError " + e.getMessage();
            } catch (ClassFormatError e) {
                verdict = "reject ClassFormatError " + e.getMessage();
            } catch (Throwable e) {
                // Initialization ran: the class was verified and linked.
                verdict = (e instanceof ExceptionInInitializerError ? "accept" : "other ") + " " + e;
            }
            System.out.println(idx + " " + verdict.replace('\n', ' '));
        }
    }
}

import java.nio.file.*;

/**
 * HotSpot as the oracle of the format checker: each argument is a class
 * file, defined in a loader of its own and initialized (under -Xverify:all).
 * One line per file: the file name, then OK or the exception's class and
 * message.
 */
public final class Define {
    static final class One extends ClassLoader {
        One() { super(Define.class.getClassLoader()); }
        Class<?> define(byte[] b) { return defineClass(null, b, 0, b.length); }
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            Path p = Paths.get(a);
            String verdict;
            try {
                Class<?> c = new One().define(Files.readAllBytes(p));
                Class.forName(c.getName(), true, c.getClassLoader());
                verdict = "OK";
            } catch (Throwable t) {
                verdict = t.getClass().getName() + ": " + String.valueOf(t.getMessage()).split("\n")[0];
            }
            System.out.println(p.getFileName() + " " + verdict);
        }
    }
}

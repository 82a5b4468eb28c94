import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.AccessController;
import java.security.PrivilegedExceptionAction;

/** A library that may read the secret and leaks what it opens. */
public class Lib {
    public static InputStream open(String p) throws Exception {
        return AccessController.doPrivileged((PrivilegedExceptionAction<InputStream>) () -> new FileInputStream(p));
    }

    public static BufferedReader reader(String p) throws Exception {
        return AccessController.doPrivileged((PrivilegedExceptionAction<BufferedReader>) () -> new BufferedReader(new InputStreamReader(new FileInputStream(p))));
    }

    public static InputStream nio(String p) throws Exception {
        return AccessController.doPrivileged((PrivilegedExceptionAction<InputStream>) () -> Files.newInputStream(Paths.get(p)));
    }

    public static BufferedReader nioReader(String p) throws Exception {
        return AccessController.doPrivileged((PrivilegedExceptionAction<BufferedReader>) () -> Files.newBufferedReader(Paths.get(p)));
    }

    /** Guarded at its own entry by the policy: the library is the subject. */
    public static char peek(String p) throws Exception {
        return first(p);
    }

    public static char first(String p) throws Exception {
        return AccessController.doPrivileged((PrivilegedExceptionAction<Character>) () -> {
            try (InputStream in = new FileInputStream(p)) {
                return (char) in.read();
            }
        });
    }
}

package dvmlab.runtime;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;

/**
 * The client side of the compile service: a class whose methods the proxy
 * compiled loads its library in its static initializer with
 * System.load(NativeLibrary.fetch(url)). The JVM loads libraries from files
 * only, so fetch copies the library once per URL to a temporary file (through
 * the proxy, like any other request) and returns its path. The class calls
 * System.load itself, so the library joins its class loader, the one whose
 * libraries the JVM searches for its native methods.
 */
public final class NativeLibrary {
    private static final Map<String, String> fetched = new HashMap<String, String>();

    private NativeLibrary() {}

    public static synchronized String fetch(String location) {
        if (!location.startsWith("http://")) {
            return location;
        }
        String path = fetched.get(location);
        if (path != null) {
            return path;
        }
        try {
            String name = location.substring(location.lastIndexOf('/') + 1);
            File dir = new File(System.getProperty("java.io.tmpdir"), "dvmlab-native-" + System.getProperty("user.name"));
            dir.mkdirs();
            File f = new File(dir, name);
            if (!f.exists()) {
                File tmp = File.createTempFile(name, ".part", dir);
                InputStream in = new URL(location).openStream();
                try {
                    OutputStream out = new FileOutputStream(tmp);
                    try {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            out.write(buf, 0, n);
                        }
                    } finally {
                        out.close();
                    }
                } finally {
                    in.close();
                }
                if (!tmp.renameTo(f) && !f.exists()) {
                    throw new IOException("cannot rename " + tmp + " to " + f);
                }
            }
            path = f.getAbsolutePath();
            fetched.put(location, path);
            return path;
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("dvmlab: cannot fetch the compiled library " + location + ": " + e);
        }
    }
}

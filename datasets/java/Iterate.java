package dvmlab.datasets;

import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs a program's main N times in one JVM, for steady-state measurements
 * (the ShadowVM paper's Table 5 times the fifth iteration), and reports
 * each iteration's time on standard error as "dvmlab iteration K: MS ms".
 * With -Ddvmlab.stdin=FILE every iteration reads FILE as standard input.
 *
 * Usage: Iterate N MAINCLASS ARGS...
 */
public final class Iterate {
    public static void main(String[] args) throws Throwable {
        int n = Integer.parseInt(args[0]);
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        String[] rest = Arrays.copyOfRange(args, 2, args.length);
        String stdin = System.getProperty("dvmlab.stdin");
        for (int k = 1; k <= n; k++) {
            InputStream in = null;
            if (stdin != null) {
                in = new FileInputStream(stdin);
                System.setIn(in);
            }
            long t0 = System.nanoTime();
            try {
                main.invoke(null, (Object) rest.clone());
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (in != null) in.close();
            }
            long t1 = System.nanoTime();
            System.out.flush();
            System.err.printf(java.util.Locale.ROOT, "dvmlab iteration %d: %.3f ms%n", k, (t1 - t0) / 1e6);
        }
    }
}

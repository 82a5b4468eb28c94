import java.io.FileInputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;

/**
 * The Figure 9 microbenchmarks: one system resource access, repeated.
 * Usage: Bench ROW FILE WARMUP BATCHES. Prints the first operation's time
 * and the median time per operation of BATCHES batches after WARMUP
 * batches, in nanoseconds.
 */
public class Bench {
    interface Op {
        void run() throws Throwable;
    }

    static FileInputStream in;
    static Thread worker = new Thread("bench-worker");
    static int prio;

    public static void main(String[] a) throws Throwable {
        String row = a[0], file = a[1];
        int warmup = Integer.parseInt(a[2]), batches = Integer.parseInt(a[3]);
        Op op;
        int n;
        switch (row) {
            case "getproperty":
                op = () -> System.getProperty("java.version");
                n = 10000;
                break;
            case "openfile":
                op = () -> new FileInputStream(file).close();
                n = 200;
                break;
            case "readfile":
                in = new FileInputStream(file);
                op = () -> {
                    if (in.read() < 0) {
                        in.getChannel().position(0);
                    }
                };
                n = 10000;
                break;
            case "priority":
                op = () -> worker.setPriority(prio = prio == 5 ? 6 : 5);
                n = 10000;
                break;
            case "exit": {
                // An exit cannot be repeated: the check alone, as the JVM
                // with a SecurityManager and the DVM's manager make it.
                MethodHandle h = exitCheck();
                op = h == null ? () -> { } : () -> {
                    h.invokeExact();
                };
                n = 10000;
                break;
            }
            case "connect": {
                ServerSocket ss = new ServerSocket(0, 200, java.net.InetAddress.getByName("127.0.0.1"));
                Thread acc = new Thread(() -> {
                    try {
                        while (true) {
                            ss.accept().close();
                        }
                    } catch (Exception e) {
                        // closed
                    }
                });
                acc.setDaemon(true);
                acc.start();
                InetSocketAddress addr = new InetSocketAddress("127.0.0.1", ss.getLocalPort());
                op = () -> {
                    Socket s = new Socket();
                    s.connect(addr);
                    s.close();
                };
                n = 50;
                break;
            }
            default:
                throw new IllegalArgumentException("no row " + row);
        }
        long t0 = System.nanoTime();
        op.run();
        long first = System.nanoTime() - t0;
        double[] per = new double[batches];
        for (int b = -warmup; b < batches; b++) {
            long s = System.nanoTime();
            for (int i = 0; i < n; i++) {
                op.run();
            }
            long d = System.nanoTime() - s;
            if (b >= 0) {
                per[b] = (double) d / n;
            }
        }
        Arrays.sort(per);
        System.out.println("first " + first);
        System.out.println("median " + per[batches / 2]);
    }

    /**
     * The exit check: the SecurityManager's checkExit when one is
     * installed, else the DVM manager's check when it is there (a client
     * of the proxy), else none.
     */
    static MethodHandle exitCheck() throws Exception {
        MethodHandles.Lookup l = MethodHandles.lookup();
        @SuppressWarnings("removal")
        SecurityManager sm = System.getSecurityManager();
        if (sm != null) {
            return MethodHandles.insertArguments(l.findVirtual(SecurityManager.class, "checkExit", MethodType.methodType(void.class, int.class)), 0, sm, 0);
        }
        try {
            Class<?> m = Class.forName("dvmlab.runtime.Security");
            return MethodHandles.insertArguments(l.findStatic(m, "check",
                    MethodType.methodType(void.class, Object.class, String.class, String.class, Object.class)), 0, "0", "exit", "exit", Bench.class);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}

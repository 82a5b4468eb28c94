import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * Runs DvmExec on several methods in one JVM, one after the other, so that a
 * sweep over hundreds of methods starts a JVM per class, not per method.
 * Each method is DvmExec's run as it is: its inputs on System.in, its lines
 * on standard output, then a line "@@end" (or "@@error TEXT" when DvmExec
 * itself failed) after it.
 *
 * Usage: java [-Ddvmexec.gcstress=true] DvmBatch LIST, where each line of
 * LIST is "CLASS METHOD DESC INPUTFILE". With dvmexec.gcstress a daemon
 * thread allocates all the time, so that in a small young generation the
 * collector runs many times a second while the methods run: a native method
 * that kept a heap pointer across a call would see its object moved.
 */
public final class DvmBatch {
    static volatile Object sink;

    public static void main(String[] args) throws Exception {
        if (Boolean.getBoolean("dvmexec.gcstress")) {
            Thread t = new Thread(() -> {
                for (long n = 0; ; n++) {
                    sink = new byte[256 << 10];
                    if (n % 4 == 0) {
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "dvmexec-gcstress");
            t.setDaemon(true);
            t.start();
        }
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        for (String line : Files.readAllLines(Paths.get(args[0]))) {
            if (line.isEmpty()) continue;
            String[] f = line.split(" ");
            try (FileInputStream in = new FileInputStream(f[3])) {
                System.setIn(in);
                DvmExec.main(new String[] {f[0], f[1], f[2]});
                out.println("@@end");
            } catch (Throwable t) {
                out.println("@@error " + t);
            }
        }
    }
}

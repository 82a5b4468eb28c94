import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Code that may not read the secret, handed the library's streams. */
public class Main {
    interface Opener {
        Object open(String p) throws Exception;
    }

    interface Step {
        Object run() throws Throwable;
    }

    static void step(String name, Step s) {
        try {
            System.out.println(name + ": ok " + s.run());
        } catch (SecurityException e) {
            System.out.println(name + ": denied " + e.getMessage());
        } catch (InvocationTargetException e) {
            System.out.println(name + ": " + (e.getCause() instanceof SecurityException ? "denied " + e.getCause().getMessage() : e.getCause()));
        } catch (Throwable e) {
            System.out.println(name + ": " + e);
        }
    }

    public static void main(String[] a) throws Exception {
        String secret = a[0], pub = a[1];
        step("property java.version", () -> System.getProperty("java.version") != null);
        step("property user.home", () -> System.getProperty("user.home") != null);
        step("open public", () -> {
            try (FileInputStream in = new FileInputStream(pub)) {
                return (char) in.read();
            }
        });
        step("open secret", () -> new FileInputStream(secret).read());
        InputStream leaked = Lib.open(secret);
        step("leaked FileInputStream.read", () -> (char) ((FileInputStream) leaked).read());
        step("leaked InputStream.read", () -> (char) leaked.read());
        BufferedReader br = Lib.reader(secret);
        step("leaked BufferedReader.readLine", () -> br.readLine());
        InputStream nio = Lib.nio(secret);
        step("leaked Files.newInputStream read", () -> (char) nio.read());
        BufferedReader nbr = Lib.nioReader(secret);
        step("leaked Files.newBufferedReader readLine", () -> nbr.readLine());
        step("lib reads its own", () -> Lib.first(secret));
        step("entry-guarded Lib.peek", () -> Lib.peek(secret));
        Method exit = System.class.getMethod("exit", int.class);
        step("reflective System.exit", () -> exit.invoke(null, 3));
        MethodHandle h = MethodHandles.lookup().findStatic(System.class, "exit", MethodType.methodType(void.class, int.class));
        step("method handle System.exit", () -> {
            h.invokeExact(4);
            return null;
        });
        // Method references: the lambda's target is the guarded method.
        Opener opener = FileInputStream::new;
        step("constructor reference FileInputStream::new", () -> opener.open(secret));
        java.util.function.IntConsumer exitRef = System::exit;
        step("method reference System::exit", () -> {
            exitRef.accept(5);
            return null;
        });
        System.out.println("done");
    }
}

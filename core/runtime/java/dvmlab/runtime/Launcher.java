package dvmlab.runtime;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;

/**
 * The DVM client's launcher: loads an application from an http URL, a jar
 * (URL ending in .jar) or a directory fetched one class at a time (URL
 * ending in /), through whatever proxy the standard http.proxyHost and
 * http.proxyPort properties name, and runs its main class. The runtime's
 * own classes stay on the system class path, so rewritten code finds them.
 *
 * Usage: java -cp dvmlab-runtime.jar dvmlab.runtime.Launcher URL MAINCLASS [ARGS...]
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: dvmlab.runtime.Launcher URL MAINCLASS [ARGS...]");
            System.exit(2);
        }
        URL url = new URL(args[0]);
        if (!args[0].endsWith("/") && !args[0].endsWith(".jar")) {
            System.err.println("dvmlab launcher: URL must end in .jar or / (a directory of classes): " + args[0]);
            System.exit(2);
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {url}, Launcher.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Class<?> main = Class.forName(args[1], true, loader);
        Method m = main.getMethod("main", String[].class);
        if (!Modifier.isStatic(m.getModifiers())) {
            throw new NoSuchMethodException(args[1] + ".main is not static");
        }
        try {
            m.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

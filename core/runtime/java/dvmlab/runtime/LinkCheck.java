package dvmlab.runtime;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client half of the DVM's verifier (Figure 3): the checks the proxy
 * could not do because they depend on other classes, done once in the
 * client's own namespace before the code that relies on them runs. Each
 * check throws what the JVM would have thrown at link time.
 *
 * A spec is one check per line: "KIND CLASS [NAME DESC] [static]", with
 * KIND one of assignable, field, method, imethod, extendable, interface.
 */
public final class LinkCheck {
    private LinkCheck() {}

    /** Specs already checked for a class: interfaces, which cannot keep a flag, come here every time. */
    private static final Set<String> DONE = ConcurrentHashMap.newKeySet();

    public static void check(Class<?> caller, String spec) {
        String key = System.identityHashCode(caller.getClassLoader()) + "/" + caller.getName() + "/" + spec;
        if (DONE.contains(key)) {
            return;
        }
        ClassLoader l = caller.getClassLoader();
        for (String line : spec.split("\n")) {
            if (!line.isEmpty()) {
                one(l, caller, line.split(" "));
            }
        }
        DONE.add(key);
    }

    /**
     * The bootstrap method of the call site the proxy puts at the entry of a
     * method of a class of version 51 or later: the checks run when the
     * site first links, in the caller's namespace, and the site then does
     * nothing (a constant, empty target the JIT removes). Unlike a flag
     * field it adds nothing reflection shows. An Error thrown here (the
     * VerifyError or IncompatibleClassChangeError the JVM would have thrown)
     * reaches the caller as it is (JVMS §5.4.3.6), and linking the site
     * again fails with it again.
     */
    public static CallSite linked(MethodHandles.Lookup caller, String name, MethodType type, String spec)
            throws NoSuchMethodException, IllegalAccessException {
        check(caller.lookupClass(), spec);
        return new ConstantCallSite(MethodHandles.lookup().findStatic(LinkCheck.class, "linked", MethodType.methodType(void.class)).asType(type));
    }

    /** The linked site's target: the checks are done. */
    private static void linked() {}

    private static Class<?> load(ClassLoader l, String internal) {
        String n = internal.startsWith("[") ? internal.replace('/', '.') : internal.replace('/', '.');
        try {
            return Class.forName(n, false, l);
        } catch (ClassNotFoundException e) {
            NoClassDefFoundError err = new NoClassDefFoundError(internal);
            err.initCause(e);
            throw err;
        }
    }

    private static void one(ClassLoader l, Class<?> caller, String[] f) {
        String kind = f[0];
        Class<?> c;
        try {
            c = load(l, f[1]);
        } catch (NoClassDefFoundError e) {
            if (kind.equals("assignable")) {
                // A class the client does not have: nothing can be passed
                // as one, and the JVM raises NoClassDefFoundError itself
                // where the code really needs it.
                return;
            }
            throw e;
        }
        switch (kind) {
            case "assignable": {
                Class<?> to;
                try {
                    to = load(l, f[2]);
                } catch (NoClassDefFoundError e) {
                    return;
                }
                if (!to.isAssignableFrom(c) && !to.isInterface()) {
                    throw new VerifyError("Bad type in " + caller.getName() + ": " + f[1] + " is not assignable to " + f[2]);
                }
                return;
            }
            case "extendable":
                if (c.isInterface()) {
                    throw new IncompatibleClassChangeError("class " + caller.getName() + " has interface " + c.getName() + " as super class");
                }
                if (Modifier.isFinal(c.getModifiers())) {
                    throw new VerifyError("Cannot inherit from final class " + c.getName());
                }
                return;
            case "interface":
                if (!c.isInterface()) {
                    throw new IncompatibleClassChangeError("class " + caller.getName() + " can not implement " + c.getName() + ", because it is not an interface");
                }
                return;
            case "field": {
                boolean wantStatic = f.length > 4 && f[4].equals("static");
                Field fd = field(c, f[2], f[3], l);
                if (fd == null) {
                    throw new NoSuchFieldError(f[2]);
                }
                if (Modifier.isStatic(fd.getModifiers()) != wantStatic) {
                    throw new IncompatibleClassChangeError("Expected " + (wantStatic ? "static" : "non-static") + " field " + c.getName() + "." + f[2]);
                }
                return;
            }
            case "method":
            case "imethod": {
                if (kind.equals("method") && c.isInterface()) {
                    throw new IncompatibleClassChangeError("Found interface " + c.getName() + ", but class was expected");
                }
                if (kind.equals("imethod") && !c.isInterface()) {
                    throw new IncompatibleClassChangeError("Found class " + c.getName() + ", but interface was expected");
                }
                if (!hasMethod(c, f[2], f[3], l)) {
                    throw new NoSuchMethodError("'" + f[3] + " " + c.getName() + "." + f[2] + "'");
                }
                return;
            }
            default:
                throw new VerifyError("dvmlab: unknown link check " + kind);
        }
    }

    private static String desc(Class<?> t) {
        if (t.isPrimitive()) {
            if (t == int.class) return "I";
            if (t == long.class) return "J";
            if (t == boolean.class) return "Z";
            if (t == byte.class) return "B";
            if (t == char.class) return "C";
            if (t == short.class) return "S";
            if (t == float.class) return "F";
            if (t == double.class) return "D";
            return "V";
        }
        if (t.isArray()) {
            return t.getName().replace('.', '/');
        }
        return "L" + t.getName().replace('.', '/') + ";";
    }

    private static String desc(Class<?>[] params, Class<?> ret) {
        StringBuilder b = new StringBuilder("(");
        for (Class<?> p : params) {
            b.append(desc(p));
        }
        return b.append(')').append(desc(ret)).toString();
    }

    private static Field field(Class<?> c, String name, String d, ClassLoader l) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Field fd : k.getDeclaredFields()) {
                if (fd.getName().equals(name) && desc(fd.getType()).equals(d)) {
                    return fd;
                }
            }
            for (Class<?> i : k.getInterfaces()) {
                Field fd = field(i, name, d, l);
                if (fd != null) {
                    return fd;
                }
            }
        }
        return null;
    }

    private static boolean hasMethod(Class<?> c, String name, String d, ClassLoader l) {
        if (name.equals("<init>")) {
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (desc(k.getParameterTypes(), void.class).equals(d)) {
                    return true;
                }
            }
            return false;
        }
        // Arrays have Object's methods (clone among them).
        if (c.isArray()) {
            c = Object.class;
            if (name.equals("clone")) {
                return true;
            }
        }
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (declares(k, name, d)) {
                return true;
            }
        }
        return inInterfaces(c, name, d) || (c.isInterface() && declares(Object.class, name, d));
    }

    private static boolean inInterfaces(Class<?> c, String name, String d) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                if (declares(i, name, d) || inInterfaces(i, name, d)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean declares(Class<?> k, String name, String d) {
        for (Method m : k.getDeclaredMethods()) {
            if (m.getName().equals(name) && desc(m.getParameterTypes(), m.getReturnType()).equals(d)) {
                return true;
            }
        }
        // Signature-polymorphic methods (MethodHandle.invoke…) match any descriptor.
        if ((k == java.lang.invoke.MethodHandle.class || k.getName().equals("java.lang.invoke.VarHandle"))) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(name) && Modifier.isNative(m.getModifiers()) && m.isVarArgs()) {
                    return true;
                }
            }
        }
        return false;
    }
}

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The differential harness's runner inside a JVM: it calls one method
 * reflectively on inputs read from standard input and prints what happened in
 * the canonical form the Alpha harness prints too. Run on the original class
 * it is the HotSpot oracle; run on the class the compile service rewrote (its
 * methods native, its library loaded by its own static initializer) it is the
 * amd64 run.
 *
 * Usage: java DvmExec [--pre [--statics OWNER.NAME:DESC,...] [--fields NAME,...]
 * [--stable LABEL,...]] CLASS METHOD DESC < inputs
 *
 * An input line: a seed for the receiver's fields (ignored by static
 * methods), then one token group per parameter. Tokens: integers in decimal,
 * floats and doubles as hexadecimal IEEE bits, an array as "null" or "#n"
 * followed by n elements, a run of k equal ones written once as "E*k" (an
 * array of arrays: its n rows, each an array token, no runs), an enum
 * constant as "E:CLASS:ORDINAL" (CLASS its internal name) or "null". An
 * output line: "ret TOKEN", "ret void" or "exc
 * CLASS" (internal name, then ": MESSAGE" when there is one), then " aI
 * ARRAY" for each array parameter I after
 * the call, " f.NAME TOKEN" for the receiver's fields and " s.NAME TOKEN" for
 * the class's static fields. With --pre a line "pre ..." before each call gives
 * the fields' values going in, for a runner that has no JVM to make them,
 * and with --statics also " g.OWNER.NAME TOKEN" for each static field
 * named, of any class (its class initialized first): the snapshot of the
 * statics compiled code reads, for the Alpha runtime. --fields prints only
 * the class's fields named (those compiled code names). --stable names
 * labels (s.NAME, f.NAME, g.OWNER.NAME) of fields compiled code cannot
 * change: a pre line gives "=" for one whose token is the last pre line's,
 * and outcome lines leave them out.
 */
public final class DvmExec {
    private static final StringBuilder out = new StringBuilder();

    public static void main(String[] args) throws Exception {
        boolean pre = false;
        int a = 0;
        if (args.length > 0 && args[0].equals("--pre")) {
            pre = true;
            a++;
        }
        List<Field> snap = new ArrayList<>();
        List<String> snapNames = new ArrayList<>();
        java.util.Set<String> only = null, stable = new java.util.HashSet<>();
        for (; args.length > a + 1 && args[a].startsWith("--"); a += 2) {
            List<String> list = args[a + 1].isEmpty() ? List.of() : List.of(args[a + 1].split(","));
            switch (args[a]) {
            case "--statics":
                for (String s : list) {
                    String name = s.substring(0, s.indexOf(':'));
                    int dot = name.lastIndexOf('.');
                    Class<?> owner = Class.forName(name.substring(0, dot).replace('/', '.'), false, DvmExec.class.getClassLoader());
                    snap.add(staticField(owner, name.substring(dot + 1)));
                    snapNames.add(name);
                }
                break;
            case "--fields":
                only = new java.util.HashSet<>(list);
                break;
            case "--stable":
                stable.addAll(list);
                break;
            default:
                a = args.length;
            }
        }
        if (args.length - a != 3) {
            System.err.println("usage: DvmExec [--pre [--statics OWNER.NAME:DESC,...] [--fields NAME,...] [--stable LABEL,...]] CLASS METHOD DESC");
            System.exit(2);
        }
        String cname = args[a], mname = args[a + 1], desc = args[a + 2];
        Class<?> cls = Class.forName(cname, false, DvmExec.class.getClassLoader());
        // METHOD "*": static methods of one descriptor, the line's first token
        // naming the one to call (many generated programs in one JVM).
        boolean multi = mname.equals("*");
        java.util.Map<String, Method> byName = new java.util.HashMap<>();
        if (multi) {
            for (Method x : cls.getDeclaredMethods()) {
                if (Modifier.isStatic(x.getModifiers()) && x.equals(find(cls, x.getName(), desc))) {
                    x.setAccessible(true);
                    byName.put(x.getName(), x);
                }
            }
        }
        Method m = multi ? byName.values().stream().findFirst().orElse(null) : find(cls, mname, desc);
        if (m == null) {
            System.err.println("DvmExec: no method " + cname + "." + mname + desc);
            System.exit(2);
        }
        m.setAccessible(true);
        boolean isStatic = Modifier.isStatic(m.getModifiers());
        List<Field> inst = new ArrayList<>(), stat = new ArrayList<>();
        // The class's own fields, and the receiver's inherited from
        // superclasses of the same loader (a JDK class's are not the
        // compiled code's to reach): the nearest of a name, as Java's
        // hiding has it.
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Class<?> k = cls; k != null && k.getClassLoader() == cls.getClassLoader(); k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                boolean st = Modifier.isStatic(f.getModifiers());
                if (st && k != cls || !st && isStatic || !seen.add(f.getName())) continue;
                if (!printable(f.getType()) || only != null && !only.contains(f.getName())) continue;
                if (st) stat.add(f);
                else inst.add(f);
            }
        }
        for (Field f : inst) f.setAccessible(true);
        for (Field f : stat) f.setAccessible(true);
        java.lang.reflect.Constructor<?> ctor = null;
        if (!isStatic) {
            try {
                ctor = cls.getDeclaredConstructor();
                ctor.setAccessible(true);
            } catch (NoSuchMethodException e) {
                System.err.println("DvmExec: " + cname + " has no no-argument constructor to make a receiver");
                System.exit(3);
            }
        }
        Class<?>[] ps = m.getParameterTypes();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        PrintStream stdout = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        String line;
        boolean initDone = false;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) continue;
            String[] tok = line.trim().split(" +");
            int[] at = {1};
            if (multi) {
                m = byName.get(tok[0]);
                tok = java.util.Arrays.copyOfRange(tok, 1, tok.length);
            }
            long fseed = Long.parseLong(tok[0]);
            Object[] argv = new Object[ps.length];
            for (int i = 0; i < ps.length; i++) argv[i] = parse(ps[i], tok, at);
            Object recv = null;
            out.setLength(0);
            if (!isStatic) {
                try {
                    recv = ctor.newInstance();
                } catch (InvocationTargetException e) {
                    stdout.println("exc " + e.getCause().getClass().getName().replace('.', '/') + " (constructor)");
                    continue;
                }
                Random r = new Random(fseed);
                for (Field f : inst) {
                    if (!Modifier.isFinal(f.getModifiers()) && f.getType().isPrimitive()) f.set(recv, seeded(f.getType(), r));
                }
            }
            if (pre) {
                if (!initDone && isStatic) {
                    try {
                        Class.forName(cname, true, DvmExec.class.getClassLoader());
                    } catch (Throwable t) {
                        // the call below reports it
                    }
                    initDone = true;
                }
                out.append("pre");
                for (Field f : inst) preToken("f." + f.getName(), f.getType(), f.get(recv), stable);
                for (Field f : stat) preToken("s." + f.getName(), f.getType(), f.get(null), stable);
                for (int i = 0; i < snap.size(); i++) {
                    preToken("g." + snapNames.get(i), snap.get(i).getType(), snap.get(i).get(null), stable);
                }
                stdout.println(out);
                out.setLength(0);
            }
            try {
                Object r = m.invoke(recv, argv);
                out.append("ret ");
                if (m.getReturnType() == void.class) out.append("void");
                else token(m.getReturnType(), r);
            } catch (InvocationTargetException e) {
                out.append("exc ").append(e.getCause().getClass().getName().replace('.', '/'));
                message(e.getCause());
            } catch (ExceptionInInitializerError e) {
                out.append("exc java/lang/ExceptionInInitializerError");
            } catch (OutOfMemoryError e) {
                out.append("exc java/lang/OutOfMemoryError");
            }
            for (int i = 0; i < ps.length; i++) {
                if (ps[i].isArray()) {
                    out.append(" a").append(i).append(' ');
                    token(ps[i], argv[i]);
                }
            }
            fields(recv, inst, stat, stable);
            stdout.println(out);
        }
        stdout.flush();
    }

    /** The exception's message after the class, ": " and the text with
     *  backslashes and line ends escaped; nothing for a null message. */
    static void message(Throwable t) {
        String m = t.getMessage();
        // An OutOfMemoryError's text tells the heap, not the code.
        if (m == null || t instanceof OutOfMemoryError) return;
        out.append(": ").append(m.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r"));
    }

    static boolean printable(Class<?> t) {
        return t.isPrimitive() || (t.isArray() && t.getComponentType().isPrimitive());
    }

    /** The last pre line's token of each stable label. */
    private static final java.util.Map<String, String> lastPre = new java.util.HashMap<>();

    /** " LABEL TOKEN" into a pre line, TOKEN "=" for a stable field whose
     *  token is the last pre line's. */
    static void preToken(String label, Class<?> t, Object v, java.util.Set<String> stable) {
        out.append(' ').append(label).append(' ');
        int at = out.length();
        token(t, v);
        if (!stable.contains(label)) return;
        String tok = out.substring(at);
        if (tok.equals(lastPre.put(label, tok))) {
            out.setLength(at);
            out.append('=');
        }
    }

    static void fields(Object recv, List<Field> inst, List<Field> stat, java.util.Set<String> stable) throws IllegalAccessException {
        if (recv != null) {
            for (Field f : inst) {
                if (stable.contains("f." + f.getName())) continue;
                out.append(" f.").append(f.getName()).append(' ');
                token(f.getType(), f.get(recv));
            }
        }
        for (Field f : stat) {
            if (stable.contains("s." + f.getName())) continue;
            out.append(" s.").append(f.getName()).append(' ');
            token(f.getType(), f.get(null));
        }
    }

    /** The static field NAME as OWNER's getstatic resolves it (JVMS
     *  §5.4.3.2, superclasses), accessible. */
    static Field staticField(Class<?> owner, String name) throws NoSuchFieldException {
        for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name) && Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    return f;
                }
            }
        }
        throw new NoSuchFieldException(owner.getName() + "." + name);
    }

    static Method find(Class<?> cls, String name, String desc) {
        for (Method m : cls.getDeclaredMethods()) {
            if (!m.getName().equals(name)) continue;
            StringBuilder sb = new StringBuilder("(");
            for (Class<?> p : m.getParameterTypes()) sb.append(descOf(p));
            sb.append(')').append(descOf(m.getReturnType()));
            if (sb.toString().equals(desc)) return m;
        }
        return null;
    }

    static String descOf(Class<?> c) {
        if (c.isArray()) return "[" + descOf(c.getComponentType());
        if (c == int.class) return "I";
        if (c == long.class) return "J";
        if (c == float.class) return "F";
        if (c == double.class) return "D";
        if (c == byte.class) return "B";
        if (c == char.class) return "C";
        if (c == short.class) return "S";
        if (c == boolean.class) return "Z";
        if (c == void.class) return "V";
        return "L" + c.getName().replace('.', '/') + ";";
    }

    static Object parse(Class<?> t, String[] tok, int[] at) {
        String s = tok[at[0]++];
        if (t.isEnum()) {
            if (s.equals("null")) return null;
            return t.getEnumConstants()[Integer.parseInt(s.substring(s.lastIndexOf(':') + 1))];
        }
        if (t.isArray()) {
            if (s.equals("null")) return null;
            int n = Integer.parseInt(s.substring(1));
            Class<?> e = t.getComponentType();
            Object arr = Array.newInstance(e, n);
            if (e.isArray()) {
                for (int i = 0; i < n; i++) Array.set(arr, i, parse(e, tok, at));
                return arr;
            }
            for (int i = 0; i < n; ) {
                String x = tok[at[0]++];
                int star = x.indexOf('*'), k = 1;
                if (star >= 0) {
                    k = Integer.parseInt(x.substring(star + 1));
                    x = x.substring(0, star);
                }
                Object v = scalar(e, x);
                for (int j = 0; j < k && i < n; j++) Array.set(arr, i++, v);
            }
            return arr;
        }
        return scalar(t, s);
    }

    static Object scalar(Class<?> t, String s) {
        if (t == int.class) return Integer.parseInt(s);
        if (t == long.class) return Long.parseLong(s);
        if (t == byte.class) return (byte) Integer.parseInt(s);
        if (t == short.class) return (short) Integer.parseInt(s);
        if (t == char.class) return (char) Integer.parseInt(s);
        if (t == boolean.class) return Integer.parseInt(s) != 0;
        if (t == float.class) return Float.intBitsToFloat(Integer.parseUnsignedInt(s, 16));
        if (t == double.class) return Double.longBitsToDouble(Long.parseUnsignedLong(s, 16));
        throw new IllegalArgumentException("type " + t);
    }

    static void token(Class<?> t, Object v) {
        if (t.isArray()) {
            if (v == null) {
                out.append("null");
                return;
            }
            int n = Array.getLength(v);
            out.append('#').append(n);
            if (t.getComponentType().isArray()) {
                for (int i = 0; i < n; i++) {
                    out.append(' ');
                    token(t.getComponentType(), Array.get(v, i));
                }
                return;
            }
            // A run of equal elements is one token, ELEMENT*COUNT: a class's
            // big tables (a 64K-entry hash chain) stay short lines.
            // Boxed equals is token equality: Float.equals and Double.equals
            // compare the canonical bits the tokens show.
            Object prev = null;
            int run = 0;
            for (int i = 0; i <= n; i++) {
                Object cur = i < n ? Array.get(v, i) : null;
                if (run > 0 && cur != null && cur.equals(prev)) {
                    run++;
                    continue;
                }
                if (run > 0) {
                    out.append(' ');
                    token(t.getComponentType(), prev);
                    if (run > 1) out.append('*').append(run);
                }
                prev = cur;
                run = 1;
            }
            return;
        }
        if (!t.isPrimitive()) {
            if (v == null) out.append("null");
            else if (v instanceof Enum) {
                Enum<?> e = (Enum<?>) v;
                out.append("E:").append(e.getDeclaringClass().getName().replace('.', '/')).append(':').append(e.ordinal());
            } else out.append("O:").append(v.getClass().getName().replace('.', '/'));
            return;
        }
        if (t == float.class) out.append(String.format("%08x", Float.floatToIntBits((Float) v)));
        else if (t == double.class) out.append(String.format("%016x", Double.doubleToLongBits((Double) v)));
        else if (t == boolean.class) out.append(((Boolean) v) ? 1 : 0);
        else if (t == char.class) out.append((int) (Character) v);
        else out.append(v);
    }

    /** Seeded field values, as often an edge as not. */
    static Object seeded(Class<?> t, Random r) {
        boolean edge = r.nextInt(3) == 0;
        if (t == int.class) {
            int[] e = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};
            return edge ? e[r.nextInt(e.length)] : (r.nextBoolean() ? r.nextInt() : r.nextInt(64));
        }
        if (t == long.class) {
            long[] e = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};
            return edge ? e[r.nextInt(e.length)] : (r.nextBoolean() ? r.nextLong() : r.nextInt(64));
        }
        if (t == byte.class) return (byte) r.nextInt();
        if (t == short.class) return (short) r.nextInt();
        if (t == char.class) return (char) r.nextInt();
        if (t == boolean.class) return r.nextBoolean();
        if (t == float.class) {
            float[] e = {0f, -0f, 1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE};
            return edge ? e[r.nextInt(e.length)] : (float) ((r.nextDouble() - 0.5) * 1000);
        }
        double[] e = {0d, -0d, 1d, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE};
        return edge ? e[r.nextInt(e.length)] : (r.nextDouble() - 0.5) * 1e6;
    }
}

package t;

/** What the Alpha runtime's objects cannot do: each method stays bytecode, with the reason. */
final class Refused {
    /** Enum.name() is Java code the runtime cannot run, and it returns a String. */
    static int name(Mode m) {
        return m.name().length();
    }

    /** instanceof needs the class hierarchy at run time. */
    static int kind(Object o) {
        return o instanceof String ? 1 : 0;
    }

    /** The array's run-time element type decides ArrayStoreException. */
    static void put(Object[] a, Object x) {
        a[0] = x;
    }

    /** An exception the compiled code did not make has no class the runtime knows. */
    static void rethrow(RuntimeException e) {
        throw e;
    }
}

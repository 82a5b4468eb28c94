package java.lang;

/**
 * The event API the instrumented code calls: straight to native code in
 * the ShadowVM agent, which binds these methods when it defines this class
 * at VM start. An event is start (or startGroup), one send per argument in
 * the hook's order, then end. Nothing here runs Java code, so hooks may sit
 * anywhere, java.base included, without recursion.
 */
public final class ShadowEvents {
    private ShadowEvents() {}

    public static native void start(int hook);

    public static native void startGroup(int hook, int group);

    public static native void sendObject(Object o);

    public static native void sendInt(int v);

    public static native void sendLong(long v);

    public static native void sendFloat(float v);

    public static native void sendDouble(double v);

    public static native void sendBoolean(boolean v);

    /**
     * Sends o by the identity the instrumentation server's injected id
     * field holds (id, read by the woven code), or, for 0, one the agent
     * gives it now: no JVMTI tag is involved.
     */
    public static native void sendId(Object o, long id);

    public static native void end();

    /**
     * Tells the agent that copy is what original's super.clone() returned:
     * Object.clone copied original's id field into it, which the agent
     * clears, so that the copy gets an identity of its own.
     */
    public static native void cloned(Object copy, Object original);

    /**
     * Offers the bytes of a hidden class about to be defined by a lookup on
     * lookup to the instrumentation server, and returns what to define: the
     * agent binds this, since the JVM never passes hidden classes to the
     * class-load hook.
     */
    public static native byte[] hidden(byte[] bytes, Class<?> lookup);
}

// The probe the editor tests insert: a real call, as a profiler's probe is.
public class EditorProbe {
    static long hits;

    public static void hit(int id) { hits++; }
}

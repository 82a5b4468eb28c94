package t;

public class Small {
    int acc;
    long total;

    public static int div(int a, int b) { return a / b; }

    public static double half(double d) { return d * 0.5; }

    public static void fill(int[] a, int v) {
        for (int i = 0; i < a.length; i++) a[i] = v + i;
    }

    public static void same(int[] a, int v) { java.util.Arrays.fill(a, 0, a.length - 1, v); }

    public void add(int x) { acc += x; total -= x; }
}

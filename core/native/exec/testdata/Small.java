package t;

public class Small {
    int acc;
    long total;

    public static int div(int a, int b) { return a / b; }

    public static double half(double d) { return d * 0.5; }

    public static void fill(int[] a, int v) {
        for (int i = 0; i < a.length; i++) a[i] = v + i;
    }

    public void add(int x) { acc += x; total -= x; }
}

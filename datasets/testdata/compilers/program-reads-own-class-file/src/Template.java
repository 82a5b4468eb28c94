// The stand-in for kotlinc's IntrinsicArrayConstructorsKt: a class whose
// code is also data, read from its own class file.
public class Template {
    public static int[] fill(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i * i;
        }
        return a;
    }
}

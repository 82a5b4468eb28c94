package t;

public class FastThrow {
    // A hot loop, then an index out of bounds.
    static int at(int[] a, int i) {
        int s = 0;
        for (int k = 0; k < 10000; k++) s += k ^ i;
        return s + a[i];
    }
}

// Branches some never taken: every basic block that never runs starts on a
// line marked "never", and every other block of a method that runs runs.
// TestProfileBlocksExact reads the marks.
public class Branches {
    static int classify(int x) {
        if (x < 0) {
            return -1; // never
        }
        if (x > 100) {
            return 1; // never
        }
        return 0;
    }

    static int loop(int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                s += i;
            } else {
                s -= 1;
            }
        }
        return s;
    }

    static String sw(int k) {
        switch (k) {
            case 1:
                return "one";
            case 2:
                return "two"; // never
            case 3:
                return "three";
            default:
                return "many"; // never
        }
    }

    static int guarded(int[] a, int i) {
        try {
            return a[i];
        } catch (ArrayIndexOutOfBoundsException e) {
            return -2;
        }
    }

    static int safe(int v) {
        try {
            return 10 / v;
        } catch (ArithmeticException e) { // never
            return 0;
        }
    }

    static void unused() {
        System.out.println("unused");
    }

    public static void main(String[] args) {
        int c = 0;
        for (int i = 0; i < 5; i++) {
            c += classify(i * 10);
        }
        System.out.println("classify " + c);
        System.out.println("loop " + loop(7));
        System.out.println(sw(1) + " " + sw(3));
        System.out.println("guarded " + guarded(new int[] {7}, 0) + " " + guarded(new int[] {7}, 3));
        System.out.println("safe " + safe(5));
        if (args.length > 99) {
            unused(); // never
        }
    }
}

// The methods of the operand-stack lab (notebooks/lab-stack-machine.md).
// Lab.class beside this file is what `javac --release 17 Lab.java` makes
// of it; workbench/notebook's tests compile it again and compare.
public class Lab {
    static int add(int a, int b) {
        return a + b;
    }

    static int max(int a, int b) {
        if (a > b) {
            return a;
        }
        return b;
    }

    static long square(long x) {
        return x * x;
    }

    static int sum(int[] xs) {
        int s = 0;
        for (int i = 0; i < xs.length; i++) {
            s += xs[i];
        }
        return s;
    }

    static String greet(String name) {
        return new StringBuilder("hello, ").append(name).toString();
    }

    static Object pick(boolean small) {
        Object o;
        if (small) {
            o = Integer.valueOf(1);
        } else {
            o = Long.valueOf(1L);
        }
        return o;
    }
}

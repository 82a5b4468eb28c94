package t;

// outer inlines small, whose call of guarded (bytecode: it has an
// exception handler) must go through JNI inside outer too, not stay a
// direct call that would leave outer as bytecode.
public class InlinedCallOfBytecode {
    static int guarded(int x) {
        try {
            return 1000 / x;
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    static int small(int x) { return guarded(x) + 1; }

    public static int outer(int x) { return small(x) * 2 - x; }
}

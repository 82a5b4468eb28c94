package t;

// spin calls Integer.rotateLeft, a JNI upcall from native code, on every
// pass of its loop: slower compiled than as bytecode, so the compiler
// declines it unless told to keep such methods. straight has no call and
// compiles either way.
public class UpcallInLoop {
    public static int spin(int x, int n) {
        int a = x;
        for (int i = 0; i < (n & 31); i++) {
            a = Integer.rotateLeft(a, i) ^ (a >>> 3) + i;
        }
        return a;
    }

    public static int straight(int x) { return x * 31 + 7; }
}

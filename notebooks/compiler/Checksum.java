// The kernel notebooks/compiler.md compiles: a weighted byte sum, small
// enough to read after every pass of the network compiler. Checksum.class
// beside this file is what `javac --release 17 Checksum.java` makes of it;
// workbench/notebook's tests compile it again and compare.
public class Checksum {
    static int weight(int x, int k) {
        return x * (1 << k);
    }

    static int sum(byte[] buf) {
        int s = 0;
        for (int i = 0; i < buf.length; i++) {
            s += weight(buf[i] & 0xff, 3);
        }
        return s;
    }
}

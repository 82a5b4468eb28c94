// Known calls and exits: down(n) recurses n deep and throws at the bottom;
// spin(n) loops from its first instruction (a branch back to offset 0).
public class Exits {
    static int down(int n) {
        if (n == 0) {
            throw new IllegalStateException("bottom");
        }
        return down(n - 1) + 1;
    }

    static int spin(int n) {
        while (true) {
            if (--n <= 0) {
                return n;
            }
        }
    }

    public static void main(String[] args) {
        int caught = 0;
        for (int i = 0; i < 100; i++) {
            try {
                down(9);
            } catch (IllegalStateException e) {
                caught++;
            }
            spin(50);
        }
        System.out.println("caught " + caught);
    }
}

// The program notebooks/shadowvm.md observes: a fixed number of
// allocations at a few sites, from the main thread and two workers.
// Shapes.class beside this file is what `javac --release 17 Shapes.java`
// makes of it; workbench/notebook's tests compile it again and compare.
import java.util.ArrayList;
import java.util.List;

public class Shapes {
    static final class Point {
        final int x, y;

        Point(int x, int y) {
            this.x = x;
            this.y = y;
        }
    }

    static List<Point> line(int n) {
        List<Point> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ps.add(new Point(i, 2 * i));
        }
        return ps;
    }

    public static void main(String[] args) throws InterruptedException {
        List<Point> main = line(100);
        int[][] grid = new int[8][8];
        Thread[] workers = new Thread[2];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Thread(() -> line(250), "worker-" + w);
            workers[w].start();
        }
        for (Thread t : workers) {
            t.join();
        }
        System.out.println(main.size() + " points, a " + grid.length + "x" + grid[0].length + " grid");
    }
}

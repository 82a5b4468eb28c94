// Known call counts for the monitoring and profiling services: recursion,
// loops, exceptions (caught by a caller, and thrown by constructors after
// super()), and several threads. The expected counts are in monitor_test.go.
public class Calls {
    static int fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    static void loop(int n) {
        for (int i = 0; i < n; i++) {
            leaf(i);
        }
    }

    static int leaf(int i) {
        return i * 2;
    }

    static void thrower(int i) {
        if (i % 2 == 0) {
            throw new IllegalStateException("even " + i);
        }
        leaf(i);
    }

    static int catcher(int n) {
        int caught = 0;
        for (int i = 0; i < n; i++) {
            try {
                thrower(i);
            } catch (IllegalStateException e) {
                caught++;
            }
        }
        return caught;
    }

    static void neverCalled() {
        System.out.println("not reached");
    }

    static final class Node {
        final int depth;

        Node(int d) {
            super();
            if (d < 0) {
                throw new IllegalArgumentException("negative " + d);
            }
            depth = d;
        }
    }

    static final class Worker extends Thread {
        @Override
        public void run() {
            loop(100);
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println("fib " + fib(10));
        loop(50);
        System.out.println("caught " + catcher(10));
        int made = 0;
        for (int i = -2; i < 3; i++) {
            try {
                made += new Node(i).depth >= 0 ? 1 : 0;
            } catch (IllegalArgumentException e) {
                // counted by the monitor as an exit by exception
            }
        }
        System.out.println("nodes " + made);
        Worker[] ws = new Worker[4];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = new Worker();
            ws[i].start();
        }
        for (Worker w : ws) {
            w.join();
        }
        System.out.println("done");
    }
}

// Table 6's synthetic workload: a fixed amount of work split over N
// threads, each building and walking lists of its own objects (every
// allocation, field read and write an FIA event, on objects of this
// program's classes, which the injected id field can identify).
//
// Usage: Parallel THREADS ITERATIONS
public class Parallel {
    static final class Cell {
        int value;
        Cell next;

        Cell(int value, Cell next) {
            this.value = value;
            this.next = next;
        }
    }

    static final class Worker extends Thread {
        final int iterations;
        long sum;

        Worker(int iterations) {
            this.iterations = iterations;
        }

        @Override
        public void run() {
            Cell head = null;
            long s = 0;
            for (int i = 0; i < iterations; i++) {
                head = new Cell(i, i % 64 == 0 ? null : head);
                s += head.value;
                head.value++;
                s += head.value + (head.next == null ? 0 : head.next.value);
            }
            sum = s;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = Integer.parseInt(args[0]), iterations = Integer.parseInt(args[1]);
        Worker[] ws = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            ws[t] = new Worker(iterations / threads);
            ws[t].start();
        }
        long sum = 0;
        for (Worker w : ws) {
            w.join();
            sum += w.sum;
        }
        System.out.println("sum " + sum);
    }
}

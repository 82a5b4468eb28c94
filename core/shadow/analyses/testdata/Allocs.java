import java.util.concurrent.CountDownLatch;

// Known allocations per site: each worker allocates PER_THREAD Box objects
// at one site and PER_THREAD/2 int arrays at another; daemon workers then
// park (still running when the VM dies) while ordinary ones end.
public class Allocs {
    static final int PER_THREAD = Integer.getInteger("perThread", 5000);

    static final class Box {
        final int v;
        Box(int v) { this.v = v; }
    }

    static volatile Object sink;

    static void work() {
        for (int i = 0; i < PER_THREAD; i++) {
            sink = new Box(i);
            if ((i & 1) == 0) {
                sink = new int[3];
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int daemons = Integer.parseInt(args[1]);
        CountDownLatch done = new CountDownLatch(threads + daemons);
        Thread[] ts = new Thread[threads + daemons];
        for (int i = 0; i < ts.length; i++) {
            boolean daemon = i >= threads;
            ts[i] = new Thread(() -> {
                work();
                done.countDown();
                if (daemon) {
                    while (true) {
                        try { Thread.sleep(100000); } catch (InterruptedException e) { }
                    }
                }
            }, (daemon ? "daemon-" : "worker-") + i);
            ts[i].setDaemon(daemon);
            ts[i].start();
        }
        done.await();
        for (int i = 0; i < threads; i++) ts[i].join();
        System.out.println("done " + ts.length);
    }
}

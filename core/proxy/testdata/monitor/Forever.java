// Calls tick() until killed, printing the number of calls made after each,
// a millisecond apart: the client-killed test compares what it printed with
// what the monitoring server stored.
public class Forever {
    static long calls;

    static void tick() {
        calls++;
    }

    public static void main(String[] args) throws InterruptedException {
        for (;;) {
            tick();
            System.out.println(calls);
            Thread.sleep(1);
        }
    }
}

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;

/**
 * Objects of one application class identified on every path at once.
 * Item extends a JDK class, so the JDK's code (ArrayList, HashMap) reaches
 * its fields through JDK types while the program reaches Item.n through
 * Item. The first half of the items are made without a constructor
 * (Unsafe.allocateInstance, as deserialization and reflection do), so no
 * hook identifies them before they escape: the threads identify each
 * first, all at once. The second half are made by new and passed through
 * java.util collections, then cloned. Usage: Identity OBJECTS THREADS.
 */
public class Identity {
    static class Item extends ArrayList<Object> {
        int n;
    }

    static final int ROUND = 16;

    public static void main(String[] args) throws Exception {
        int objects = Integer.parseInt(args[0]), threads = Integer.parseInt(args[1]);
        Field uf = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
        uf.setAccessible(true);
        Object unsafe = uf.get(null);
        Method alloc = unsafe.getClass().getMethod("allocateInstance", Class.class);
        Item[] fresh = new Item[objects];
        for (int i = 0; i < objects; i++) fresh[i] = (Item) alloc.invoke(unsafe, Item.class);

        CyclicBarrier start = new CyclicBarrier(threads);
        long[] sums = new long[threads];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int me = t;
            ts[t] = new Thread(() -> {
                long s = 0;
                // Rounds of a few items each, every thread released at
                // once by the barrier onto the same items.
                for (int from = 0; from < fresh.length; from += ROUND) {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                    for (int i = from; i < Math.min(from + ROUND, fresh.length); i++) s += fresh[i].n + 1;
                }
                sums[me] = s;
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        long reads = 0;
        for (long s : sums) reads += s;
        int empty = 0;
        for (Item it : fresh) if (it.size() == 0) empty++; // ArrayList's code reads Item's size

        Map<Item, Integer> byItem = new HashMap<>();
        ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < objects; i++) {
            Item it = new Item();
            it.add(i); // ArrayList's code writes Item's fields
            byItem.put(it, i); // hashCode: AbstractList's code reads them
            queue.add(it);
        }
        long sum = 0, copies = 0;
        for (Item it; (it = queue.poll()) != null;) {
            it.n = byItem.get(it);
            sum += it.n + (Integer) it.get(0);
            // ArrayList.clone's super.clone() copies every field, the
            // injected id field too; the copy is another object.
            Item copy = (Item) it.clone();
            copy.n++;
            copies += copy.n - it.n;
        }
        System.out.println("done " + reads + " " + empty + " " + sum + " " + copies);
    }
}

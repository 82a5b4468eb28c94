// Fields with known verdicts under the field immutability analysis; the
// expected ones are in Fields.expected. Every name says why.
public class Fields {
    // Written only in the constructor.
    final int finalField;
    // Written by a helper the constructor calls: inside its dynamic extent.
    int setByHelper;
    // Read, then written after construction, again and again.
    int setAfter;
    // Written once after construction, before any read; then only read.
    int stationary;
    // Never written: every read sees the VM's implicit zero.
    int neverWritten;
    // Read (implicit zero) before its first write after construction.
    int zeroThenWritten;
    // Written by another object's constructor: outside this one's.
    Fields next;

    static int counter;                  // read and written in main
    static int staticStationary;         // written once in main, then read
    static final int computed = compute(); // written by <clinit> only

    static int compute() { return Integer.getInteger("nothing", 41) + 1; }

    Fields(Fields prev) {
        finalField = 7;
        helper();
        if (prev != null) {
            prev.next = this;
        }
    }

    private void helper() {
        setByHelper = finalField * 2;
    }

    // An inner class: javac writes this$0 before calling super().
    class Inner {
        int innerValue;
        Inner() {
            innerValue = finalField;
        }
    }

    static class Base {
        int baseField;        // written by the subclass's constructor only
        int baseMutable;
        Base() {}
    }

    static class Sub extends Base {
        final long wide;      // a two-slot value
        Sub(long w) {
            super();
            wide = w;
            baseField = 3;
        }
    }

    // A constructor that throws after a write: its extent ends by exception.
    static class Boom {
        int boomField;
        Boom() {
            boomField = 1;
            if (boomField == 1) {
                throw new IllegalStateException("boom");
            }
        }
    }

    static class Worker extends Thread {
        int workerSum;        // written after construction by run(), after reads
        @Override public void run() {
            for (int i = 0; i < 1000; i++) {
                Fields f = new Fields(null);
                workerSum += f.finalField + f.setByHelper;
                Sub s = new Sub(i);
                workerSum += s.baseField + (int) s.wide;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Fields first = null, prev = null;
        long sum = 0;
        for (int i = 0; i < 100; i++) {
            if (prev != null) {
                sum += prev.next == null ? 0 : 1; // reads next before it is set
            }
            Fields f = new Fields(prev);
            if (first == null) first = f;
            f.stationary = i;
            sum += f.stationary + f.finalField + f.setByHelper + f.neverWritten;
            sum += f.setAfter;
            f.setAfter = i;
            sum += f.setAfter;
            f.setAfter = i + 1;
            sum += f.zeroThenWritten;
            f.zeroThenWritten = 5;
            Inner in = f.new Inner();
            sum += in.innerValue;
            Sub s = new Sub(i);
            sum += s.baseField + s.wide;
            s.baseMutable = 1;
            sum += s.baseMutable;
            s.baseMutable = 2;
            try {
                new Boom();
            } catch (IllegalStateException e) {
                sum++;
            }
            counter++;
            prev = f;
        }
        staticStationary = 9;
        sum += staticStationary + computed;
        Worker a = new Worker(), b = new Worker();
        a.start(); b.start();
        a.join(); b.join();
        System.out.println("done " + sum + " " + (a.workerSum + b.workerSum) + " " + counter);
    }
}

// Constructors the monitor's exit guard must start after super() or this()
// in (JVMS §4.10.1.9): a branch before super(), a new object built as
// super()'s argument, this() delegation, and exceptions thrown after the
// call. Main prints what it caught; monitor_test.go has the counts.
public class Ctors {
    static class Base {
        final int v;

        Base(int v) {
            this.v = v;
        }
    }

    static class Branchy extends Base {
        Branchy(boolean b) {
            super(b ? 1 : 2);
            if (!b) {
                throw new IllegalStateException("not b");
            }
        }
    }

    static class Wrapped extends Base {
        final Base inner;

        Wrapped(int v) {
            super(new Base(v).v + 1);
            inner = new Base(v);
        }
    }

    static class Delegating extends Base {
        Delegating() {
            this(7);
        }

        Delegating(int v) {
            super(v);
            if (v > 100) {
                throw new IllegalArgumentException("too big");
            }
        }
    }

    public static void main(String[] args) {
        int caught = 0;
        for (int i = 0; i < 3; i++) {
            try {
                new Branchy(i == 1);
            } catch (IllegalStateException e) {
                caught++;
            }
        }
        System.out.println("wrapped " + new Wrapped(3).v);
        System.out.println("delegating " + new Delegating().v);
        try {
            new Delegating(1000);
        } catch (IllegalArgumentException e) {
            caught++;
        }
        System.out.println("caught " + caught);
    }
}

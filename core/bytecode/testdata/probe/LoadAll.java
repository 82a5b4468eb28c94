// Loads and initializes every class named on the command line, one line per
// class: OK, or what linking or initializing it threw. Under -Xverify:all,
// linking verifies the class, so two runs that print the same lines got the
// same verdict from HotSpot.
public class LoadAll {
    public static void main(String[] names) {
        for (String n : names) {
            try {
                Class.forName(n, true, LoadAll.class.getClassLoader());
                System.out.println("OK " + n);
            } catch (Throwable t) {
                System.out.println(t.getClass().getName() + " " + n + ": " + String.valueOf(t.getMessage()).split("\n")[0]);
            }
        }
    }
}

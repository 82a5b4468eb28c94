// Loads and initializes each class named on the command line (which links,
// and under -Xverify:all verifies, it) and prints one verdict line per class.
public final class Load {
    public static void main(String[] args) {
        for (String n : args) {
            try {
                Class.forName(n, true, Load.class.getClassLoader());
                System.out.println(n + " OK");
            } catch (Throwable t) {
                System.out.println(n + " " + t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage()).split("\n")[0]);
            }
        }
    }
}

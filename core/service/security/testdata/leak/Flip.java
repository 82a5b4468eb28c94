/**
 * Asks for a property every millisecond until the answer changes from
 * allowed to denied, then prints when (System.currentTimeMillis()).
 */
public class Flip {
    public static void main(String[] a) throws Exception {
        boolean said = false;
        long end = System.currentTimeMillis() + 60000;
        while (System.currentTimeMillis() < end) {
            try {
                System.getProperty("dvmlab.flip");
                if (!said) {
                    System.out.println("allowed");
                    said = true;
                }
            } catch (SecurityException e) {
                System.out.println("denied at " + System.currentTimeMillis() + ": " + e.getMessage());
                return;
            }
            Thread.sleep(1);
        }
        System.out.println("never denied");
    }
}

// invokeinterface does not initialize the interface (JVMS §5.5: only a
// class's initialization, and only for an interface with default methods,
// does), but JNI's GetMethodID on the interface does: the compiled method
// resolved the call on the interface and printed "Shape initialized"
// before "main: 14" (interfaceInitialized, found against HotSpot).
public class InterfaceInit {
    static Object say(String s) {
        System.out.println(s);
        return s;
    }

    interface Shape {
        Object INIT = say("Shape initialized");

        int area();
    }

    static class Square implements Shape {
        final int side;

        Square(int side) { this.side = side; }

        public int area() { return side * side; }
    }

    static class Disc implements Shape {
        public int area() { return 3; }
    }

    // A call outside the loop: compiled (a call in the loop would be
    // declined for its upcall).
    static int areaPlus(Shape s, int[] a) {
        int t = s.area();
        for (int i = 0; i < a.length; i++) {
            t += a[i];
        }
        return t;
    }

    public static void main(String[] args) {
        int[] a = {1, 2, 3, 4};
        System.out.println("main: " + areaPlus(new Square(2), new int[0]));
        System.out.println("main: " + areaPlus(new Disc(), a));
        System.out.println("main: " + areaPlus(new Square(3), a));
        try {
            areaPlus(null, a);
        } catch (NullPointerException e) {
            System.out.println("main: NullPointerException");
        }
        System.out.println("main: " + Shape.INIT);
    }
}

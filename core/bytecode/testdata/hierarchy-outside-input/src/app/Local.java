package app;

// A slot that holds a Circle on one path and a Square on the other, dead
// where the paths join: javac's frame there leaves it out, so its merge,
// which would need lib.Shape, is top.
public class Local {
    public static void main(String[] args) {
        for (int i = 0; i < 3; i++) {
            System.out.println(run(i));
        }
    }

    static int run(int i) {
        int r;
        if (i % 2 == 0) {
            Circle c = new Circle(i);
            r = (int) c.area();
        } else {
            Square q = new Square(i);
            r = (int) q.area();
        }
        return r;
    }
}

package app;

// A slot reused on two paths: a Circle in the try block, the caught exception in the handler.
// Where the paths meet the local is dead (javac's frame drops it), so the join needs no class,
// though merging Circle with RuntimeException would need lib.Shape, which is not in the input.
public class DeadLocal {
    public static void main(String[] args) {
        try {
            Circle c = new Circle(args.length + 1);
            System.out.println(c.describe());
        } catch (RuntimeException e) {
            System.out.println("caught " + e);
        }
        System.out.println("done");
    }
}

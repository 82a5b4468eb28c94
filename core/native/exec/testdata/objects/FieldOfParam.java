package t;

/**
 * A static method reading a field of an object parameter of its own class,
 * as commons-math3's FastMath$Split.access$000(Split) does: no such object
 * reaches it in the Alpha runtime and its field has no offset there, so it
 * stays bytecode; accepted, it left its dvm_fo_ symbol undefined and the
 * link of every method compiled with it failed.
 */
final class FieldOfParam {
    double full;

    static double full(FieldOfParam p) {
        return p.full;
    }

    static double twice(double x) {
        return x * 2;
    }
}

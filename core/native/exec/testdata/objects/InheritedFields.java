package t;

/** A receiver whose state its superclass declares, named through the
 *  subclass as javac does (bcprov's ChaChaEngine and Salsa20Engine's
 *  engineState): the Alpha runtime gives the inherited fields values and
 *  offsets as it does the class's own. */
class StateBase {
    static int ROUNDS = 20;
    int[] engineState = new int[16];
    long index;
    int hidden = 5;
}

public class InheritedFields extends StateBase {
    int hidden = -3; // hides StateBase.hidden

    int step(int x) {
        engineState[x & 15] += x * ROUNDS;
        index += engineState[x & 15];
        return (int) index + hidden;
    }

    long counter() {
        return index + engineState[0] + ROUNDS;
    }
}

// Every code-level type annotation target of JVMS §4.7.20.1 (Table 4.7.20-B), at
// instructions that start basic blocks and at ones that do not; main prints what
// each method computes, so a rewrite that changes behaviour shows.
import java.lang.annotation.*;
import java.util.*;
import java.util.function.*;

@Retention(RetentionPolicy.RUNTIME) @Target(ElementType.TYPE_USE) @interface A { int value() default 0; }
@Retention(RetentionPolicy.CLASS) @Target(ElementType.TYPE_USE) @interface B {}

class G { <T> G(T t) { } }

public class Annotated {
    static Object make(boolean empty) {
        if (empty) return null;
        return new @A(1) ArrayList<String>();
    }
    static Object pick(boolean c) {
        if (c) return null;
        return new @A(14) StringBuilder(c ? "a" : "b");
    }
    static int test(Object o) {
        if (o == null) return -1;
        if (o instanceof @A(2) String) return ((@A(3) String) o).length();
        @A(9) List<@B String> l = Collections.<@A(6) String>emptyList();
        for (@A(15) int i = 0; i < 3; i++) { if (i == 1) continue; l = new G(i) == null ? null : l; }
        return l.size() + (o instanceof @B Integer ? 1 : 0);
    }
    static String refs(int k) {
        Supplier<List<String>> s = k > 0 ? @A(5) ArrayList::new : null;
        Function<Object, String> f = @A(8) Object::toString;
        Supplier<List<String>> e = Collections::<@A(16) String>emptyList;
        Object g = new <@A(7) String>G("x");
        return (s == null ? "none" : "" + s.get()) + f.apply(k) + e.get() + (g != null);
    }
    static int guarded(String x) {
        int r = 0;
        try (@A(10) AutoCloseable c = () -> { }) {
            r = Integer.parseInt(x);
        } catch (@A(11) NumberFormatException e) {
            r = -2;
        } catch (@A(12) IllegalStateException | @A(13) NullPointerException e) {
            r = -3;
        } catch (Exception e) {
            r = -4;
        } finally {
            r += 100;
        }
        return r;
    }
    public static void main(String[] a) {
        System.out.println(make(false) + " " + make(true) + " " + pick(false) + " " + pick(true));
        System.out.println(test(null) + " " + test("abc") + " " + test(5));
        System.out.println(refs(0) + " " + refs(1));
        System.out.println(guarded("12") + " " + guarded("x") + " " + guarded(null));
    }
}

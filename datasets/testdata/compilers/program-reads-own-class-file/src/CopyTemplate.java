import java.io.InputStream;
import java.util.zip.CRC32;

// Reads Template's class file as a resource, as kotlinc reads
// IntrinsicArrayConstructorsKt.class to copy the body of Array(n) { … }
// into the code it compiles, and reports what it read.
public class CopyTemplate {
    public static void main(String[] args) throws Exception {
        byte[] b;
        try (InputStream in = CopyTemplate.class.getResourceAsStream("/Template.class")) {
            b = in.readAllBytes();
        }
        CRC32 crc = new CRC32();
        crc.update(b);
        System.out.printf("Template.class: %d bytes, crc32 %08x%n", b.length, crc.getValue());
        System.out.println("Template.fill(5)[4] = " + Template.fill(5)[4]);
    }
}

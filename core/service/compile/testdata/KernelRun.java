import com.jcraft.jzlib.Adler32;
import com.jcraft.jzlib.CRC32;
import org.bouncycastle.crypto.digests.SHA256Digest;
import java.util.Random;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.apache.commons.math3.complex.Complex;

// Real kernels from Debian's libraries on seeded data: jzlib's Adler-32 and
// CRC-32 updates, Bouncy Castle's SHA-256 (its block function).
public class KernelRun {
    public static void main(String[] args) {
        Random r = new Random(Long.parseLong(args[0]));
        int[] sizes = {0, 1, 3, 63, 64, 65, 1000, 5552, 5553, 70000};
        for (int n : sizes) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            int off = n > 10 ? r.nextInt(5) : 0;
            int len = n - off;
            Adler32 a = new Adler32();
            a.update(b, off, len);
            CRC32 c = new CRC32();
            c.update(b, off, len);
            c.update(b, 0, n / 2);
            SHA256Digest d = new SHA256Digest();
            d.update(b, off, len);
            byte[] out = new byte[32];
            d.doFinal(out, 0);
            StringBuilder sb = new StringBuilder();
            for (byte x : out) sb.append(String.format("%02x", x));
            System.out.println(n + " adler32=" + Long.toHexString(a.getValue()) + " crc32=" + Long.toHexString(c.getValue()) + " sha256=" + sb);
        }
        for (DftNormalization norm : DftNormalization.values()) {
            FastFourierTransformer fft = new FastFourierTransformer(norm);
            for (int n : new int[]{1, 2, 4, 16, 1024}) {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
                Complex[] y = fft.transform(x, TransformType.FORWARD);
                Complex[] z = fft.transform(y, TransformType.INVERSE);
                double h = 0;
                for (int i = 0; i < n; i++) h = h * 31 + y[i].getReal() - 7 * y[i].getImaginary() + z[i].getReal();
                System.out.println("fft " + norm + " " + n + " " + Double.doubleToLongBits(h) + " " + y[n - 1]);
            }
            try {
                fft.transform(new double[6], TransformType.FORWARD);
                System.out.println("no exception");
            } catch (RuntimeException e) {
                System.out.println(e.getClass().getName() + ": " + e.getMessage());
            }
        }
        try {
            new Adler32().update(new byte[4], 2, 5);
            System.out.println("no exception");
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getName());
        }
    }
}

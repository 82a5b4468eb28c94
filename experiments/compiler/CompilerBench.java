import com.jcraft.jzlib.Adler32;
import com.jcraft.jzlib.CRC32;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.apache.lucene.util.BitUtil;
import org.sunflow.math.PerlinScalar;

/**
 * The compiler experiment's kernels. Usage: CompilerBench KERNEL REPS. Prints
 * "first NS" (the first call, cold) and "rep NS" for each repetition, and a
 * checksum line so a run on compiled code can be checked against HotSpot's.
 */
public final class CompilerBench {
    static final byte[] buf = new byte[1 << 16];
    static final double[][] fftData = new double[2][4096];
    static long sink;

    static long once(String k) {
        switch (k) {
            case "adler32": { Adler32 a = new Adler32(); a.update(buf, 0, buf.length); return a.getValue(); }
            case "crc32": { CRC32 c = new CRC32(); c.update(buf, 0, buf.length); return c.getValue(); }
            case "sha256": {
                SHA256Digest d = new SHA256Digest();
                d.update(buf, 0, buf.length);
                byte[] out = new byte[32];
                d.doFinal(out, 0);
                return out[0] ^ (out[31] << 8);
            }
            case "fft": {
                double[][] x = new double[][] {fftData[0].clone(), fftData[1].clone()};
                FastFourierTransformer.transformInPlace(x, DftNormalization.STANDARD, TransformType.FORWARD);
                return Double.doubleToLongBits(x[0][1] + x[1][2]);
            }
            case "zigzag": {
                long s = 0;
                for (long i = 0; i < 100000; i++) s += BitUtil.zigZagEncode(i * 0x9E3779B97F4A7C15L);
                return s;
            }
            case "perlin": {
                float s = 0;
                for (int i = 0; i < 20000; i++) s += PerlinScalar.snoise(i * 0.37f, i * 0.11f, i * 0.05f);
                return Float.floatToIntBits(s);
            }
        }
        throw new IllegalArgumentException("no kernel " + k);
    }

    public static void main(String[] args) {
        String k = args[0];
        int reps = Integer.parseInt(args[1]);
        java.util.Random r = new java.util.Random(14);
        r.nextBytes(buf);
        for (int i = 0; i < 4096; i++) fftData[0][i] = r.nextDouble();
        long t0 = System.nanoTime();
        long sum = once(k);
        System.out.println("first " + (System.nanoTime() - t0));
        for (int i = 0; i < reps; i++) {
            long t = System.nanoTime();
            long v = once(k);
            System.out.println("rep " + (System.nanoTime() - t));
            if (v != sum) throw new AssertionError("kernel " + k + " gave two results");
        }
        System.out.println("check " + sum);
    }
}

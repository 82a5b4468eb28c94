import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

/**
 * The peer side of dvmlab's codec benchmark: ASM 9 reading and writing the
 * same corpus, in steady state after warm-up, single thread.
 *
 * Usage: java -cp asm.jar:. AsmBench WARMUP RUNS FILE...   (jars and jmods)
 * Prints one line per mode: mode classes median_seconds classes_per_second failures
 */
public final class AsmBench {
    /** Class headers from the corpus itself, so frame computation loads nothing. */
    static final Map<String, String> SUPER = new HashMap<>();
    static final Map<String, Boolean> IFACE = new HashMap<>();

    public static void main(String[] args) throws IOException {
        int warmup = Integer.parseInt(args[0]);
        int runs = Integer.parseInt(args[1]);
        List<byte[]> corpus = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            load(Paths.get(args[i]), corpus);
        }
        for (byte[] b : corpus) {
            ClassReader cr = new ClassReader(b);
            SUPER.put(cr.getClassName(), cr.getSuperName());
            IFACE.put(cr.getClassName(), (cr.getAccess() & 0x0200) != 0);
        }
        // Warm both modes up before measuring either: they share the reader
        // and writer code, and the JIT should have settled for both.
        bench("read+write", corpus, warmup, 1, false, false);
        bench("read+computeframes+write", corpus, warmup, 1, true, false);
        bench("read+write", corpus, warmup, runs, false, true);
        bench("read+computeframes+write", corpus, warmup, runs, true, true);
    }

    static void bench(String mode, List<byte[]> corpus, int warmup, int runs, boolean frames, boolean report) {
        double[] times = new double[runs];
        int failures = 0;
        for (int r = -warmup; r < runs; r++) {
            failures = 0;
            long t0 = System.nanoTime();
            for (byte[] b : corpus) {
                try {
                    ClassReader cr = new ClassReader(b);
                    ClassWriter cw = frames ? new HierarchyWriter() : new ClassWriter(0);
                    cr.accept(cw, 0);
                    if (cw.toByteArray().length == 0) {
                        throw new IllegalStateException();
                    }
                } catch (RuntimeException e) {
                    failures++; // e.g. jsr/ret with COMPUTE_FRAMES, or a class missing from the corpus
                }
            }
            if (r >= 0) {
                times[r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        if (!report) {
            return;
        }
        Arrays.sort(times);
        double median = times[runs / 2];
        System.out.printf("%s %d %.4f %.0f %d%n", mode, corpus.size(), median, corpus.size() / median, failures);
    }

    /** COMPUTE_FRAMES with the common superclass found in the corpus's headers. */
    static final class HierarchyWriter extends ClassWriter {
        HierarchyWriter() {
            super(ClassWriter.COMPUTE_FRAMES);
        }

        @Override
        protected String getCommonSuperClass(String a, String b) {
            if (a.equals(b)) {
                return a;
            }
            if (Boolean.TRUE.equals(IFACE.get(a)) || Boolean.TRUE.equals(IFACE.get(b))) {
                return "java/lang/Object";
            }
            List<String> chain = new ArrayList<>();
            for (String c = a; c != null; c = SUPER.get(c)) {
                chain.add(c);
            }
            for (String c = b; c != null; c = SUPER.get(c)) {
                if (chain.contains(c)) {
                    return c;
                }
            }
            return "java/lang/Object";
        }
    }

    static void load(Path p, List<byte[]> out) throws IOException {
        String name = p.getFileName().toString();
        Path zip = p;
        Path tmp = null;
        if (name.endsWith(".jmod")) {
            // A jmod is a 4-byte header and a zip; ZipFile needs the zip alone.
            tmp = Files.createTempFile("asmbench", ".zip");
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
                byte[] all = new byte[(int) f.length() - 4];
                f.seek(4);
                f.readFully(all);
                Files.write(tmp, all);
            }
            zip = tmp;
        }
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> es = zf.entries();
            while (es.hasMoreElements()) {
                ZipEntry e = es.nextElement();
                if (!e.getName().endsWith(".class") || e.getName().endsWith("module-info.class")) {
                    continue;
                }
                try (InputStream in = zf.getInputStream(e)) {
                    ByteArrayOutputStream bo = new ByteArrayOutputStream();
                    in.transferTo(bo);
                    out.add(bo.toByteArray());
                }
            }
        } finally {
            if (tmp != null) {
                Files.delete(tmp);
            }
        }
    }
}

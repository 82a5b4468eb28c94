package dvmlab.datasets;

import java.util.Locale;

import org.sunflow.SunflowAPI;
import org.sunflow.core.Display;
import org.sunflow.core.display.FileDisplay;
import org.sunflow.image.Color;
import org.sunflow.math.BoundingBox;
import org.sunflow.math.Matrix4;
import org.sunflow.math.Point3;
import org.sunflow.math.Vector3;
import org.sunflow.system.UI;
import org.sunflow.system.UserInterface;

/**
 * Builds a small scene through SunflowAPI (spheres of five materials, a
 * torus, a teapot, a generated mesh and a floor, lit by sun and sky) and
 * renders it to a PNG. Sunflow's console reports timings, so only warnings
 * and errors reach stderr; stdout gets the scene's bounds and the image's
 * average colour, summed in pixel order so that the bucket threads'
 * finishing order cannot change the rounding.
 *
 * Usage: SunflowWorkload OUTPUT.png WIDTH HEIGHT
 */
public final class SunflowWorkload {
    /**
     * Runs the workload -Ddvmlab.iterations times (default once), each
     * iteration's time on standard error as "dvmlab iteration K: MS ms"
     * when there is more than one (steady-state measurements).
     */
    public static void main(String[] args) {
        int n = Integer.getInteger("dvmlab.iterations", 1);
        for (int k = 1; k <= n; k++) {
            long t0 = System.nanoTime();
            runOnce(args);
            long t1 = System.nanoTime();
            if (n > 1) {
                System.out.flush();
                System.err.printf(Locale.ROOT, "dvmlab iteration %d: %.3f ms%n", k, (t1 - t0) / 1e6);
            }
        }
    }

    private static void runOnce(String[] args) {
        String file = args[0];
        int width = Integer.parseInt(args[1]), height = Integer.parseInt(args[2]);
        UI.set(new Quiet());
        SunflowAPI api = new SunflowAPI();
        build(api, width, height);
        Average avg = new Average(new FileDisplay(file), width, height);
        api.render(SunflowAPI.DEFAULT_OPTIONS, avg);
        BoundingBox b = api.getBounds();
        System.out.printf(Locale.ROOT, "scene bounds %s %s%n", p(b.getMinimum()), p(b.getMaximum()));
        System.out.printf(Locale.ROOT, "rendered %dx%d to %s, %d pixels, average colour %.4f %.4f %.4f%n",
                width, height, file, avg.pixels(), avg.mean[0], avg.mean[1], avg.mean[2]);
    }

    static String p(Point3 q) {
        return String.format(Locale.ROOT, "(%.2f,%.2f,%.2f)", round(q.x), round(q.y), round(q.z));
    }

    // Rounded before formatting: the teapot's rotation leaves a bound of
    // -6e-8, which %.2f alone would print as -0.00.
    static double round(float v) {
        return Math.round(v * 100) / 100.0;
    }

    static void build(SunflowAPI api, int width, int height) {
        // Two threads on any machine: the picture is the same with one, and
        // a fixed count keeps the concurrency a rewritten renderer meets
        // the same everywhere.
        // -Ddvmlab.threads and -Ddvmlab.bucket change them for
        // measurements of concurrency (the ShadowVM paper's Table 6).
        api.parameter("threads", Integer.getInteger("dvmlab.threads", 2));
        api.parameter("resolutionX", width);
        api.parameter("resolutionY", height);
        api.parameter("aa.min", 0);
        api.parameter("aa.max", 1);
        api.parameter("filter", "gaussian");
        api.parameter("bucket.order", "hilbert");
        api.parameter("bucket.size", Integer.getInteger("dvmlab.bucket", 32));
        api.parameter("depths.diffuse", 1);
        api.parameter("depths.reflection", 3);
        api.parameter("depths.refraction", 3);
        api.options(SunflowAPI.DEFAULT_OPTIONS);

        api.parameter("transform", Matrix4.lookAt(new Point3(0, 4f, 10), new Point3(0, 0.6f, 0), new Vector3(0, 1, 0)));
        api.parameter("fov", 40f);
        api.parameter("aspect", (float) width / height);
        api.camera("cam", "pinhole");
        api.parameter("camera", "cam");
        api.options(SunflowAPI.DEFAULT_OPTIONS);

        api.parameter("diffuse", null, new float[] {0.4f, 0.36f, 0.3f});
        api.shader("sand", "diffuse");
        api.parameter("diffuse", null, new float[] {0.8f, 0.15f, 0.1f});
        api.shader("red", "diffuse");
        api.parameter("color", null, new float[] {0.9f, 0.9f, 0.95f});
        api.shader("mirror", "mirror");
        api.parameter("eta", 1.5f);
        api.parameter("color", null, new float[] {0.85f, 1f, 0.9f});
        api.shader("glass", "glass");
        api.parameter("diffuse", null, new float[] {0.1f, 0.2f, 0.7f});
        api.parameter("specular", null, new float[] {0.6f, 0.6f, 0.6f});
        api.parameter("power", 40f);
        api.parameter("samples", 0);
        api.shader("phong", "phong");
        api.parameter("diffuse", null, new float[] {0.6f, 0.5f, 0.1f});
        api.parameter("specular", null, new float[] {0.5f, 0.5f, 0.5f});
        api.parameter("roughnessX", 0.08f);
        api.parameter("roughnessY", 0.3f);
        api.parameter("samples", 2);
        api.shader("ward", "ward");
        api.parameter("diffuse", null, new float[] {0.2f, 0.6f, 0.3f});
        api.parameter("shiny", 0.3f);
        api.shader("shiny", "shiny_diffuse");

        api.parameter("center", new Point3(0, 0, 0));
        api.parameter("normal", new Vector3(0, 1, 0));
        api.geometry("floor", "plane");
        instance(api, "floor", "sand", Matrix4.IDENTITY);

        api.geometry("sphere", "sphere");
        String[] shaders = {"red", "mirror", "glass", "phong", "ward"};
        for (int i = 0; i < shaders.length; i++) {
            float x = -3.2f + 1.6f * i;
            float r = 0.55f + 0.1f * (i % 3);
            instance(api, "sphere", shaders[i], Matrix4.translation(x, r, -0.8f * (i % 2)).multiply(Matrix4.scale(r)));
        }

        api.parameter("radiusInner", 0.25f);
        api.parameter("radiusOuter", 0.8f);
        api.geometry("torus", "torus");
        instance(api, "torus", "phong", Matrix4.translation(-2f, 0.25f, 2.2f).multiply(Matrix4.rotateX((float) Math.PI / 2)));

        api.parameter("subdivs", 4);
        api.parameter("smooth", true);
        api.geometry("teapot", "teapot");
        instance(api, "teapot", "shiny", Matrix4.translation(2f, 0, 2.2f).multiply(Matrix4.rotateY(0.6f)).multiply(Matrix4.rotateX((float) -Math.PI / 2)).multiply(Matrix4.scale(0.015f)));

        mesh(api);
        instance(api, "dunes", "sand", Matrix4.translation(0, 0.01f, -4.5f));

        api.parameter("up", new Vector3(0, 1, 0));
        api.parameter("east", new Vector3(1, 0, 0));
        api.parameter("sundir", new Vector3(0.6f, 0.5f, 0.4f));
        api.parameter("turbidity", 4f);
        api.parameter("samples", 4);
        api.light("sky", "sunsky");
    }

    static int instances;

    static void instance(SunflowAPI api, String geometry, String shader, Matrix4 m) {
        api.parameter("shaders", shader);
        api.parameter("transform", m);
        api.instance(geometry + "." + (instances++), geometry);
    }

    // A rippled strip of sand behind the spheres: a triangle mesh of a few
    // thousand triangles, for the acceleration structure to sort.
    static void mesh(SunflowAPI api) {
        int n = 40;
        float[] pts = new float[(n + 1) * (n + 1) * 3];
        int k = 0;
        for (int j = 0; j <= n; j++) {
            for (int i = 0; i <= n; i++) {
                float x = -6 + 12f * i / n, z = 3f * j / n;
                pts[k++] = x;
                pts[k++] = 0.15f * (float) (Math.sin(1.7 * x) * Math.cos(2.3 * z) + 1);
                pts[k++] = z;
            }
        }
        int[] tris = new int[n * n * 6];
        k = 0;
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                int a = j * (n + 1) + i, b = a + 1, c = a + n + 1, d = c + 1;
                tris[k++] = a;
                tris[k++] = c;
                tris[k++] = b;
                tris[k++] = b;
                tris[k++] = c;
                tris[k++] = d;
            }
        }
        api.parameter("points", "point", "vertex", pts);
        api.parameter("triangles", tris);
        api.geometry("dunes", "triangle_mesh");
    }

    // Keeps warnings and errors, which say what went wrong, and drops the
    // progress and statistics, which carry times.
    static final class Quiet implements UserInterface {
        public void print(UI.Module m, UI.PrintLevel level, String s) {
            if (level == UI.PrintLevel.ERROR || level == UI.PrintLevel.WARN) {
                System.err.println(UI.formatOutput(m, level, s));
            }
        }

        public void taskStart(String s, int min, int max) {}

        public void taskUpdate(int current) {}

        public void taskStop() {}
    }

    // Passes the image on and keeps its pixels for the average.
    static final class Average implements Display {
        final Display next;
        final int width, height;
        final Color[] pixels;
        final double[] mean = new double[3];

        Average(Display next, int width, int height) {
            this.next = next;
            this.width = width;
            this.height = height;
            pixels = new Color[width * height];
        }

        public synchronized void imageBegin(int w, int h, int bucketSize) {
            next.imageBegin(w, h, bucketSize);
        }

        public synchronized void imagePrepare(int x, int y, int w, int h, int id) {
            next.imagePrepare(x, y, w, h, id);
        }

        public synchronized void imageUpdate(int x, int y, int w, int h, Color[] data, float[] alpha) {
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    pixels[(y + j) * width + x + i] = data[j * w + i].copy();
                }
            }
            next.imageUpdate(x, y, w, h, data, alpha);
        }

        public synchronized void imageFill(int x, int y, int w, int h, Color c, float alpha) {
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    pixels[(y + j) * width + x + i] = c.copy();
                }
            }
            next.imageFill(x, y, w, h, c, alpha);
        }

        public synchronized void imageEnd() {
            next.imageEnd();
            int n = pixels();
            for (Color c : pixels) {
                if (c != null) {
                    float[] rgb = c.getRGB();
                    for (int i = 0; i < 3; i++) {
                        mean[i] += rgb[i] / n;
                    }
                }
            }
        }

        int pixels() {
            int n = 0;
            for (Color c : pixels) {
                if (c != null) {
                    n++;
                }
            }
            return n;
        }
    }
}

package service_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/classpath"
	"dvmlab/core/service"
	"dvmlab/internal/jvmtest"
)

// workload exercises a broad part of java.base: collections, streams and
// lambdas (invokedynamic), string concatenation, formatting, regular
// expressions, BigDecimal, records, switch on strings, exceptions, threads.
const workload = `
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.*;
import java.util.concurrent.*;
import java.util.regex.*;
import java.util.stream.*;

public class Workload {
    record Point(int x, int y) {}
    public static void main(String[] args) throws Exception {
        List<Point> ps = IntStream.range(0, 200).mapToObj(i -> new Point(i % 17, i * 31 % 101)).collect(Collectors.toList());
        Map<Integer, Long> byX = ps.stream().collect(Collectors.groupingBy(Point::x, TreeMap::new, Collectors.counting()));
        System.out.println(byX);
        System.out.println(ps.stream().mapToInt(Point::y).summaryStatistics());
        Matcher m = Pattern.compile("(\\w+)@(\\w+)\\.org").matcher("mail alice@example.org and bob@test.org");
        while (m.find()) System.out.println(m.group(1) + " at " + m.group(2));
        BigDecimal b = BigDecimal.ONE;
        for (int i = 1; i < 30; i++) b = b.multiply(BigDecimal.valueOf(i)).divide(BigDecimal.valueOf(3), 20, RoundingMode.HALF_EVEN);
        System.out.println(String.format("%.6e %08.3f %s", b.doubleValue(), Math.PI, Arrays.toString(new int[]{3, 1, 2})));
        for (String s : new String[]{"alpha", "beta", "gamma"}) {
            switch (s) { case "alpha": System.out.println(1); break; case "beta": System.out.println(2); break; default: System.out.println(s.hashCode()); }
        }
        ExecutorService ex = Executors.newFixedThreadPool(3);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 10; i++) { final int n = i; fs.add(ex.submit(() -> n * n)); }
        int sum = 0; for (Future<Integer> f : fs) sum += f.get();
        ex.shutdown();
        System.out.println("sum " + sum);
        try { Object o = "x"; Integer i = (Integer) o; } catch (ClassCastException e) { System.out.println("cce"); }
        StringBuilder sb = new StringBuilder();
        new PriorityQueue<>(List.of(5, 3, 9, 1)).forEach(x -> sb.append(x).append(','));
        System.out.println(sb);
    }
}
`

// linkAll initializes (and so links and verifies) every class named in a
// file, and prints the ones that fail verification.
const linkAll = `
import java.nio.file.*;
public class LinkAll {
    public static void main(String[] args) throws Exception {
        int ok = 0, verify = 0, other = 0;
        for (String n : Files.readAllLines(Paths.get(args[0]))) {
            try { Class.forName(n, true, null); ok++; }
            catch (VerifyError e) { verify++; System.out.println("VerifyError " + n + ": " + e.getMessage()); }
            catch (Throwable e) { other++; }
        }
        System.out.println("linked " + ok + ", verify errors " + verify + ", other failures " + other);
    }
}
`

// TestPatchedJavaBase rewrites every class of java.base with no service and
// frames recomputed, then runs a workload on the patched module with HotSpot
// verifying boot classes too: no VerifyError and the same output.
func TestPatchedJavaBase(t *testing.T) {
	if testing.Short() {
		t.Skip("rewrites all of java.base")
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	base := jdk.Module("java.base")
	in := t.TempDir()
	n := 0
	err = base.Walk(func(name string, data []byte) error {
		if name == "module-info" {
			return nil
		}
		p := filepath.Join(in, filepath.FromSlash(name)+".class")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(p, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := service.Parse("none")
	p.RecomputeFrames = true
	p.Classpath = []classpath.Finder{jdk}
	out := t.TempDir()
	if keep := os.Getenv("DVMLAB_KEEP"); keep != "" {
		out = keep // to look at the patched module after a failure
	}
	st, err := p.RewritePath(in, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Failed > 0 {
		t.Fatalf("%d of %d classes failed: %v", st.Failed, st.Classes, st.Errors[0])
	}
	t.Logf("java.base: %d classes rewritten with frames recomputed, %d unchanged", st.Classes, st.Unchanged)

	app := jvmtest.Javac(t, map[string]string{"Workload.java": workload})
	want := jvmtest.MustJava(t, "-Xshare:off", "-cp", app, "Workload")
	got := jvmtest.MustJava(t, "-Xshare:off", "--patch-module", "java.base="+out, "-XX:+UnlockDiagnosticVMOptions", "-XX:+BytecodeVerificationLocal",
		"-Xverify:all", "-cp", app, "Workload")
	if got.Stdout != want.Stdout {
		t.Fatalf("output differs:\n got %s\nwant %s", got.Stdout, want.Stdout)
	}
	if strings.Contains(got.Stderr, "VerifyError") {
		t.Fatalf("stderr: %s", got.Stderr)
	}

	// Beyond what the workload touches: initialize every class, so HotSpot
	// verifies all of them.
	names, err := base.Names()
	if err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(t.TempDir(), "classes.txt")
	var bin []string
	for _, n := range names {
		if n != "module-info" {
			bin = append(bin, strings.ReplaceAll(n, "/", "."))
		}
	}
	if err := os.WriteFile(list, []byte(strings.Join(bin, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	linker := jvmtest.Javac(t, map[string]string{"LinkAll.java": linkAll})
	all := jvmtest.MustJava(t, "-Xshare:off", "--patch-module", "java.base="+out, "-XX:+UnlockDiagnosticVMOptions",
		"-XX:+BytecodeVerificationLocal", "-Xverify:all", "-Djava.awt.headless=true", "-cp", linker, "LinkAll", list)
	lines := strings.Split(strings.TrimSpace(all.Stdout), "\n")
	t.Log(lines[len(lines)-1])
	if len(lines) > 1 {
		t.Fatalf("classes HotSpot rejects:\n%s", strings.Join(lines[:min(len(lines)-1, 20)], "\n"))
	}
}

package verify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/datasets"
	"dvmlab/internal/jvmtest"
)

// clientFlags turn HotSpot's own verifier off for application classes:
// with the verify service the proxy has done its work.
var clientFlags = []string{"-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote"}

func rewriteDir(t *testing.T, dir string, extra ...classpath.Finder) {
	t.Helper()
	src, err := classpath.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	p, err := service.Parse(Name)
	if err != nil {
		t.Fatal(err)
	}
	p.Hierarchy = classpath.NewHierarchy(append([]classpath.Finder{src}, append(extra, jdk)...)...)
	err = src.Walk(func(name string, data []byte) error {
		res, err := p.Process(data)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)+".class"), res.Out, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func runtimeJar(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "rt.jar")
	out, err := os.Create(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := runtime.WriteJar(out); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return f
}

const mainSrc = `public class Main {
    public static void main(String[] a) {
        System.out.println("start");
        System.out.println(Helper.greet() + " " + Helper.count);
    }
}`

// TestLinkChecksAtTheClient compiles a program against one Helper and runs
// it, rewritten and with HotSpot's verifier off, against Helpers that lack
// what it needs: the client raises what the stock JVM raises.
func TestLinkChecksAtTheClient(t *testing.T) {
	good := jvmtest.Javac(t, map[string]string{"Main.java": mainSrc,
		"Helper.java": `public class Helper { static int count = 3; static String greet() { return "hello"; } }`})
	rt := runtimeJar(t)
	for _, tc := range []struct {
		name, helper, want string
	}{
		{"present", `public class Helper { static int count = 3; static String greet() { return "hello"; } }`, "hello 3"},
		{"no method", `public class Helper { static int count = 3; }`, "java.lang.NoSuchMethodError"},
		{"no field", `public class Helper { static String greet() { return "hello"; } }`, "java.lang.NoSuchFieldError"},
		{"instance field", `public class Helper { int count = 3; static String greet() { return "hello"; } }`, "java.lang.IncompatibleClassChangeError"},
		{"no class", "", "java.lang.NoClassDefFoundError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			data, _ := os.ReadFile(filepath.Join(good, "Main.class"))
			os.WriteFile(filepath.Join(dir, "Main.class"), data, 0o644)
			if tc.helper != "" {
				h := jvmtest.Javac(t, map[string]string{"Helper.java": tc.helper})
				data, _ := os.ReadFile(filepath.Join(h, "Helper.class"))
				os.WriteFile(filepath.Join(dir, "Helper.class"), data, 0o644)
			}
			stock := jvmtest.Java(t, "-cp", dir, "Main")
			// The proxy saw the program as it was compiled: Helper as Main
			// expects it. The client gets whatever Helper it has.
			rewritten := t.TempDir()
			data, _ = os.ReadFile(filepath.Join(good, "Main.class"))
			os.WriteFile(filepath.Join(rewritten, "Main.class"), data, 0o644)
			rewriteDir(t, rewritten)
			for _, f := range []string{"Helper.class"} {
				if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
					os.WriteFile(filepath.Join(rewritten, f), b, 0o644)
				}
			}
			ours := jvmtest.Java(t, append(clientFlags, "-cp", rewritten+string(os.PathListSeparator)+rt, "Main")...)
			got := ours.Stdout + ours.Stderr
			if !strings.Contains(stock.Stdout+stock.Stderr, tc.want) || !strings.Contains(got, tc.want) {
				t.Fatalf("want %s from both\nstock: %s%s\nours: %s", tc.want, stock.Stdout, stock.Stderr, got)
			}
		})
	}
}

// TestRejectedClassIsReplaced: a class that fails verification reaches the
// client as one that throws VerifyError with the proxy's reason.
func TestRejectedClassIsReplaced(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{
		"Bad.java":    `public class Bad { static void run() { int x = 1; System.out.println(x); } }`,
		"Caller.java": `public class Caller { public static void main(String[] a) { Bad.run(); } }`})
	f := filepath.Join(dir, "Bad.class")
	data, _ := os.ReadFile(f)
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	// iload_n -> aload_n: an int used as a reference.
	for _, m := range c.Methods {
		if c.MemberName(m) == "run" {
			insns, _ := bytecode.Decode(m.Code().Code)
			for _, in := range insns {
				if in.Op >= bytecode.Iload0 && in.Op <= bytecode.Iload3 {
					m.Code().Code[in.Offset] = byte(bytecode.Aload0 + (in.Op - bytecode.Iload0))
				}
			}
		}
	}
	bad, _ := c.Write()
	os.WriteFile(f, bad, 0o644)
	if r := jvmtest.Java(t, "-Xverify:all", "-cp", dir, "Caller"); !strings.Contains(r.Stderr, "VerifyError") {
		t.Fatalf("HotSpot accepts the mutant: %s", r.Stderr)
	}
	rewriteDir(t, dir)
	r := jvmtest.Java(t, append(clientFlags, "-cp", dir+string(os.PathListSeparator)+runtimeJar(t), "Caller")...)
	if !strings.Contains(r.Stderr, "java.lang.VerifyError: dvmlab: Bad.run()V @") {
		t.Fatalf("no VerifyError with our reason:\n%s", r.Stderr)
	}
}

// TestProgramsWithoutClientVerifier: JLex and CUP rewritten with verify run
// on HotSpot with its verifier off and print what they print unrewritten.
func TestProgramsWithoutClientVerifier(t *testing.T) {
	if testing.Short() {
		t.Skip("rewrites and runs programs")
	}
	rt := runtimeJar(t)
	for _, name := range []string{"jlex", "cup"} {
		p, _ := datasets.Lookup(name)
		if m := p.Missing(); len(m) > 0 {
			t.Skipf("%s: %v missing", name, m)
		}
		ref, err := p.Run(context.Background(), datasets.RunConfig{}, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		replace := map[string]string{}
		for _, j := range p.Jars {
			out := filepath.Join(t.TempDir(), filepath.Base(j))
			rewriteJar(t, j, out, p)
			replace[j] = out
		}
		got, err := p.Run(context.Background(), datasets.RunConfig{JVMFlags: clientFlags, Replace: replace, ExtraClasspath: []string{rt}}, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if d := ref.Diff(got); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
}

func rewriteJar(t *testing.T, in, out string, p datasets.Program) {
	t.Helper()
	pl, err := service.Parse(Name)
	if err != nil {
		t.Fatal(err)
	}
	var finders []classpath.Finder
	for _, j := range p.Classpath(datasets.RunConfig{}) {
		s, err := classpath.Open(j)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		finders = append(finders, s)
	}
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	pl.Hierarchy = classpath.NewHierarchy(append(finders, jdk)...)
	if _, err := pl.RewritePath(in, out, nil); err != nil {
		t.Fatal(err)
	}
}

// TestLinkCheckFailsAsTheJVM: Main returns a Sub where a Base is expected;
// the client's Sub no longer extends Base. The stock JVM's verifier throws
// VerifyError; so must the rewritten Main with the client's verifier off,
// the check failing as its call site links (an Error a bootstrap method
// throws reaches the caller unwrapped, JVMS §5.4.3.6). And the rewrite
// declares nothing reflection shows: Main's fields and methods are the
// original's.
func TestLinkCheckFailsAsTheJVM(t *testing.T) {
	src := map[string]string{
		"Main.java": `public class Main {
    static Base pick() { return new Sub(); }
    public static void main(String[] a) {
        System.out.println("fields " + Main.class.getDeclaredFields().length + " methods " + Main.class.getDeclaredMethods().length);
        System.out.println(pick() != null);
    }
}`,
		"Base.java": `public class Base {}`,
		"Sub.java":  `public class Sub extends Base {}`,
	}
	good := jvmtest.Javac(t, src)
	broken := jvmtest.Javac(t, map[string]string{"Sub.java": `public class Sub {}`})
	rt := runtimeJar(t)
	for _, tc := range []struct {
		name, sub, want string
	}{
		{"assignable", good, "fields 0 methods 2\ntrue\n"},
		{"not assignable", broken, "java.lang.VerifyError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stockDir, ourDir := t.TempDir(), t.TempDir()
			for _, f := range []string{"Main.class", "Base.class"} {
				data, _ := os.ReadFile(filepath.Join(good, f))
				os.WriteFile(filepath.Join(stockDir, f), data, 0o644)
				os.WriteFile(filepath.Join(ourDir, f), data, 0o644)
			}
			// Sub is not at the proxy: whether it is a Base is the
			// client's question.
			rewriteDir(t, ourDir)
			data, _ := os.ReadFile(filepath.Join(tc.sub, "Sub.class"))
			os.WriteFile(filepath.Join(stockDir, "Sub.class"), data, 0o644)
			os.WriteFile(filepath.Join(ourDir, "Sub.class"), data, 0o644)

			c, err := classfile.Parse(mustRead(t, filepath.Join(ourDir, "Main.class")))
			if err != nil {
				t.Fatal(err)
			}
			if c.Major < 51 || !hasIndy(t, c) {
				t.Fatalf("rewritten Main (version %d) has no linked() call site", c.Major)
			}
			stock := jvmtest.Java(t, "-Xverify:all", "-cp", stockDir, "Main")
			ours := jvmtest.Java(t, append(clientFlags, "-cp", ourDir+string(os.PathListSeparator)+rt, "Main")...)
			for who, r := range map[string]jvmtest.Result{"stock": stock, "rewritten": ours} {
				if got := r.Stdout + r.Stderr; !strings.Contains(got, tc.want) || strings.Contains(got, "BootstrapMethodError") {
					t.Errorf("%s run: want %q in\n%s", who, tc.want, got)
				}
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hasIndy(t *testing.T, c *classfile.Class) bool {
	for _, m := range c.Methods {
		code := m.Code()
		if code == nil {
			continue
		}
		insns, err := bytecode.Decode(code.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range insns {
			if in.Op == bytecode.Invokedynamic {
				return true
			}
		}
	}
	return false
}

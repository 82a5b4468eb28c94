package compile

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/service"
)

func javaTool(t *testing.T, name string) string {
	t.Helper()
	if home := os.Getenv("JAVA_HOME"); home != "" {
		if p := filepath.Join(home, "bin", name); fileExists(p) {
			return p
		}
	}
	if p := "/usr/lib/jvm/java-17-openjdk-amd64/bin/" + name; fileExists(p) {
		return p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("no %s", name)
	}
	return p
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// compileJava compiles testdata/NAME.java into a fresh directory, with
// javac's extra options.
func compileJava(t *testing.T, name string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"--release", "17", "-d", dir}, extra...)
	out, err := exec.Command(javaTool(t, "javac"), append(args, filepath.Join("testdata", name+".java"))...).CombinedOutput()
	if err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	return dir
}

func runJava(t *testing.T, dir, main string, extra ...string) string {
	t.Helper()
	args := append(append([]string{}, extra...), "-cp", dir, main)
	cmd := exec.Command(javaTool(t, "java"), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("java %v: %v\n%s", args, err, tail(out.String()))
	}
	return out.String()
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

// compileDir runs the compile service over every class in dir, writing the
// rewritten classes to a new directory, and returns it with the service.
func compileDir(t *testing.T, dir string) (string, *Service, []service.Report) {
	t.Helper()
	svc, err := New(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	p := &service.Pipeline{Services: []service.Service{svc}}
	out := t.TempDir()
	var reps []service.Report
	err = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".class") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		res, err := p.Process(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		reps = append(reps, res.Reports...)
		rel, _ := filepath.Rel(dir, path)
		dst := filepath.Join(out, rel)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		return os.WriteFile(dst, res.Out, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, svc, reps
}

// TestArithAgainstHotSpot runs the edge cases of testdata/Arith.java as
// bytecode and compiled, under -Xverify:all and -Xcheck:jni: the outputs
// must be the same line for line.
func TestArithAgainstHotSpot(t *testing.T) { arithAgainstHotSpot(t) }

// TestArithWithDebugInfo does the same with javac -g: the helpful
// NullPointerException messages name locals from the LocalVariableTable.
func TestArithWithDebugInfo(t *testing.T) {
	if testing.Short() {
		t.Skip("the same run with javac -g")
	}
	arithAgainstHotSpot(t, "-g")
}

func arithAgainstHotSpot(t *testing.T, javacOpts ...string) {
	dir := compileJava(t, "Arith", javacOpts...)
	want := runJava(t, dir, "Arith")
	out, svc, reps := compileDir(t, dir)
	for _, r := range reps {
		for _, n := range r.Notes {
			t.Log(n)
		}
	}
	st := svc.Stats()
	if st.Compiled < 60 {
		t.Errorf("only %d methods compiled", st.Compiled)
	}
	got := runJava(t, out, "Arith", "-Xverify:all", "-Xcheck:jni")
	if got != want {
		wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
		n := 0
		for i := 0; i < len(wl) || i < len(gl); i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Errorf("line %d:\n want %s\n got  %s", i+1, w, g)
				if n++; n > 20 {
					break
				}
			}
		}
	}
}

// kernelClasses are the classes of Debian's libraries whose kernels must
// compile whole: method -> jar.
var kernelMethods = []struct{ jar, class, method string }{
	{"/usr/share/java/jzlib.jar", "com/jcraft/jzlib/Adler32", "update([BII)V"},
	{"/usr/share/java/jzlib.jar", "com/jcraft/jzlib/CRC32", "update([BII)V"},
	{"/usr/share/java/bcprov.jar", "org/bouncycastle/crypto/digests/SHA256Digest", "processBlock()V"},
	{"/usr/share/java/commons-math3.jar", "org/apache/commons/math3/transform/FastFourierTransformer",
		"transformInPlace([[DLorg/apache/commons/math3/transform/DftNormalization;Lorg/apache/commons/math3/transform/TransformType;)V"},
}

// TestKernelsAgainstHotSpot compiles jzlib's Adler-32 and CRC-32 and Bouncy
// Castle's SHA-256 digest, checks that their kernels compiled whole, and
// runs them on seeded data beside the unrewritten libraries.
func TestKernelsAgainstHotSpot(t *testing.T) {
	for _, k := range kernelMethods {
		if !fileExists(k.jar) {
			t.Skipf("no %s (make deps installs it)", k.jar)
		}
	}
	cp := "/usr/share/java/jzlib.jar:/usr/share/java/bcprov.jar:/usr/share/java/commons-math3.jar"
	dir := t.TempDir()
	if out, err := exec.Command(javaTool(t, "javac"), "-cp", cp, "-d", dir, "testdata/KernelRun.java").CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	svc, err := New(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	p := &service.Pipeline{Services: []service.Service{svc}}
	out := t.TempDir()
	for _, k := range kernelMethods {
		src, err := classpath.Open(k.jar)
		if err != nil {
			t.Fatal(err)
		}
		data, err := src.Find(k.class)
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Process(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Reports {
			for _, s := range r.Skipped {
				if strings.HasSuffix(s, "."+k.method) {
					t.Errorf("%s stays bytecode: %v", s, r.Notes)
				}
			}
			for _, n := range r.Notes {
				if strings.HasPrefix(n, "compiled") {
					t.Logf("%s: %s", k.class, n)
				}
			}
		}
		dst := filepath.Join(out, k.class+".class")
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, res.Out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, seed := range []string{"1", "2"} {
		want := runJavaArgs(t, []string{"-cp", dir + ":" + cp, "KernelRun", seed})
		got := runJavaArgs(t, []string{"-Xverify:all", "-Xcheck:jni", "-Xmx32m", "-XX:+UseSerialGC", "-cp", out + ":" + dir + ":" + cp, "KernelRun", seed})
		if got != want {
			t.Errorf("seed %s:\nwant %s\ngot  %s", seed, want, got)
		}
	}
}

func runJavaArgs(t *testing.T, args []string) string {
	t.Helper()
	cmd := exec.Command(javaTool(t, "java"), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("java %v: %v\n%s", args, err, tail(out.String()))
	}
	return out.String()
}

// TestWholeLibraries compiles and assembles every class of jzlib and
// sunflow: no method may fail inside the compiler (a panic or a back-end
// error) or make the assembler complain.
func TestWholeLibraries(t *testing.T) {
	for _, jar := range []string{"/usr/share/java/jzlib.jar", "/usr/share/java/sunflow.jar"} {
		if !fileExists(jar) {
			t.Skipf("no %s (make deps)", jar)
		}
		svc, err := New(Options{Dir: t.TempDir(), NoBuild: true})
		if err != nil {
			t.Fatal(err)
		}
		src, err := classpath.Open(jar)
		if err != nil {
			t.Fatal(err)
		}
		obj := filepath.Join(t.TempDir(), "c.o")
		var methods, compiled int
		err = src.Walk(func(name string, data []byte) error {
			c, err := classfile.Parse(data)
			if err != nil {
				return err
			}
			res, err := svc.Compile(c)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return nil
			}
			methods += res.Methods
			compiled += len(res.Funcs)
			for k, why := range res.Skipped {
				if strings.HasPrefix(why, "internal") || strings.HasPrefix(why, "back end") {
					t.Errorf("%s: %s", k, why)
				}
			}
			if res.Asm != "" {
				if err := svc.Object(res, obj); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
			return nil
		})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d of %d methods compiled and assembled", jar, compiled, methods)
	}
}

package runtime_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"dvmlab/core/classpath"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	_ "dvmlab/core/service/coverage"
	"dvmlab/internal/jvmtest"
)

// TestCoverageKeepsMeaning: the runtime a probe calls must not change what
// the program does. Its first probe may run during shutdown (hooks closed)
// or under a security manager that forbids shutdown hooks; either way the
// program prints and exits as it does without probes.
func TestCoverageKeepsMeaning(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and starts JVMs")
	}
	main := jvmtest.Javac(t, map[string]string{
		"Late.java": `public class Late {
  public static void main(String[] a) throws Exception {
    if (a.length > 0) {
      System.setSecurityManager(new SecurityManager() {
        public void checkPermission(java.security.Permission p) { if (p.getName().equals("shutdownHooks")) throw new SecurityException("no hooks"); }
      });
      System.out.println("guarded " + Work.f(4));
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("late " + Work.f(3))));
    System.out.println("main");
  }
}`,
		"Work.java": `public class Work { static int f(int x) { int s = 0; for (int i = 0; i < x; i++) s += i; return s; } }`,
	})
	// Only Work is instrumented, so its first probe is the runtime's first use.
	work := t.TempDir()
	os.Rename(filepath.Join(main, "Work.class"), filepath.Join(work, "Work.class"))
	p, _ := service.Parse("coverage")
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	p.Classpath = []classpath.Finder{jdk}
	cov := t.TempDir()
	if st, err := p.RewritePath(work, cov, nil); err != nil || st.Failed > 0 || st.Unchanged > 0 {
		t.Fatalf("rewrite: %v %+v", err, st)
	}
	var b bytes.Buffer
	if err := runtime.WriteJar(&b); err != nil {
		t.Fatal(err)
	}
	rt := filepath.Join(t.TempDir(), "rt.jar")
	os.WriteFile(rt, b.Bytes(), 0o644)
	dir := t.TempDir()
	for _, args := range [][]string{{"Late"}, {"-Djava.security.manager=allow", "Late", "sm"}} {
		want := jvmtest.JavaIn(t, dir, append([]string{"-cp", main + ":" + work}, args...)...)
		got := jvmtest.JavaIn(t, dir, append([]string{"-Xverify:all", "-cp", main + ":" + cov + ":" + rt}, args...)...)
		if got.Stdout != want.Stdout || got.Stderr != want.Stderr || (got.Err == nil) != (want.Err == nil) {
			t.Errorf("%v: prints %q %q (%v), want %q %q (%v)", args, got.Stdout, got.Stderr, got.Err, want.Stdout, want.Stderr, want.Err)
		}
	}
}

package service_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/service"
	"dvmlab/internal/jvmtest"
)

// serialSources are Serializable classes of many shapes: nested (whose
// modifiers come from InnerClasses), with a static initializer, private and
// transient fields, constructors, overloads, an interface, a subclass that
// is Serializable through its superclass, a non-ASCII name.
var serialSources = map[string]string{
	"S.java": `import java.io.*;
public class S implements Serializable, Comparable<S> {
  static int counter = 1; private static final Object LOCK = new Object(); transient int t; private int p; protected long q; public String r;
  volatile double v; public S() {} S(int a) { p = a; } private S(String s) {}
  public int compareTo(S o) { return 0; } synchronized void m() {} static void m(int x) {} private void hidden() {}
  native void n(); strictfp double f() { return 1; }
  private static class Inner implements Serializable { int a; }
  protected static final class Leaf extends S { void z() {} }
  public interface I extends Serializable { void go(); }
  public static abstract class Abs implements I { }
  static class Über implements Serializable { final int ü = 1; }
  enum E { A, B }
  public static void main(String[] a) throws Exception {
    for (String n : a) System.out.println(n + " " + ObjectStreamClass.lookup(Class.forName(n)).getSerialVersionUID());
  }
}`,
}

var serialClasses = []string{"S", "S$Inner", "S$Leaf", "S$Abs", "S$Über"}

// javaSUIDs asks the JVM for the serialVersionUID of each class.
func javaSUIDs(t *testing.T, cp string) map[string]int64 {
	t.Helper()
	r := jvmtest.MustJava(t, append([]string{"-cp", cp, "S"}, serialClasses...)...)
	out := map[string]int64{}
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		n, v, _ := strings.Cut(line, " ")
		out[n], _ = strconv.ParseInt(v, 10, 64)
	}
	return out
}

// TestDefaultSerialVersionUID checks our computation against the JVM's
// ObjectStreamClass for every class.
func TestDefaultSerialVersionUID(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and starts a JVM")
	}
	dir := jvmtest.Javac(t, serialSources)
	want := javaSUIDs(t, dir)
	for _, n := range serialClasses {
		data, err := os.ReadFile(filepath.Join(dir, n+".class"))
		if err != nil {
			t.Fatal(err)
		}
		c, err := classfile.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if got := service.DefaultSerialVersionUID(c); got != want[n] {
			t.Errorf("%s: %d, the JVM computes %d", n, got, want[n])
		}
	}
}

// addMethod is a service that adds a public method to every class, as a
// service adding a helper would: the default serialVersionUID changes.
type addMethod struct{}

func (addMethod) Name() string { return "addmethod" }
func (addMethod) Apply(_ *service.Context, c *classfile.Class) (service.Report, error) {
	name, _ := c.Pool.AddUtf8("dvmlab$probe")
	desc, _ := c.Pool.AddUtf8("()V")
	c.Methods = append(c.Methods, &classfile.Member{Access: classfile.AccPublic | classfile.AccStatic, NameIndex: name, DescIndex: desc,
		Attributes: []classfile.Attribute{&classfile.Code{MaxStack: 0, MaxLocals: 0, Code: []byte{0xb1}}}})
	return service.Report{Inserted: 1}, nil
}

// TestSerialVersionUIDKept: after a service adds members, every Serializable
// class without a serialVersionUID declares the one the JVM computed for the
// original.
func TestSerialVersionUIDKept(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and starts JVMs")
	}
	dir := jvmtest.Javac(t, serialSources)
	want := javaSUIDs(t, dir)
	p := pipeline(t, "none", false)
	p.Services = []service.Service{addMethod{}}
	out := t.TempDir()
	if st, err := p.RewritePath(dir, out, nil); err != nil || st.Failed > 0 {
		t.Fatal(err, st.Errors)
	}
	got := javaSUIDs(t, out)
	for _, n := range serialClasses {
		if got[n] != want[n] {
			t.Errorf("%s: serialVersionUID %d after the rewrite, %d before", n, got[n], want[n])
		}
	}
	// The service did add its method (else the test proves nothing).
	data, _ := os.ReadFile(filepath.Join(out, "S.class"))
	c, _ := classfile.Parse(data)
	if c.Method("dvmlab$probe", "()V") == nil || service.DefaultSerialVersionUID(c) == want["S"] {
		t.Fatal("the test service changed nothing the default is computed from")
	}
}

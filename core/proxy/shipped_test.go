package proxy

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	dvmruntime "dvmlab/core/runtime"
	"dvmlab/internal/jvmtest"
)

// method-near-64k through the proxy: the class is served instrumented but
// for f, which keeps its code, and the audit trail names f; never a class
// that throws VerifyError in place of one HotSpot loads.
func TestMethodNear64KServed(t *testing.T) {
	px, srv := proxyFor(t, "coverage")
	origin := loopback(t, &Origin{Dir: filepath.Join("testdata", "method-near-64k")})
	for _, target := range []string{"/HugeMethod.class", "/huge.jar"} {
		resp := get(t, srv.URL, origin.URL+target)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s: %s", target, resp.Status, body)
		}
		if target == "/HugeMethod.class" {
			c, err := classfile.Parse(body)
			if err != nil {
				t.Fatal(err)
			}
			if c.Method("<clinit>", "()V") != nil && c.Method("f", "(I)I") == nil {
				t.Fatal("served a replacement class")
			}
			if c.Method("f", "(I)I") == nil || c.Method("main", "([Ljava/lang/String;)V") == nil {
				t.Fatal("methods missing from the served class")
			}
		}
	}
	evs, err := px.Audit.Events(Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	for _, e := range evs {
		if e.Outcome != "rewritten" || !strings.Contains(e.Detail, "coverage: HugeMethod.f(I)I") {
			t.Errorf("%s: %s (%s), want rewritten, naming f", e.URL, e.Outcome, e.Detail)
		}
	}
}

// jar-directory-entries through the proxy: a jar made by the JDK's jar tool
// (deflated META-INF/ entry) is served, and with no service, as it came.
func TestJarDirectoryEntriesServed(t *testing.T) {
	for _, services := range []string{"none", "coverage"} {
		_, srv := proxyFor(t, services)
		origin := loopback(t, &Origin{Dir: filepath.Join("testdata", "jar-directory-entries")})
		resp := get(t, srv.URL, origin.URL+"/jdkjar.jar")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s: %s", services, resp.Status, body)
		}
	}
}

// A class whose frames need classes nobody has (a version-50 class without
// StackMapTable, its library absent): after asking the origin, the proxy
// serves it rewritten but for the method that needs them, which keeps its
// code; the audit trail names that method. Never the class unchanged whole.
func TestMissingClassesLastResort(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{
		"Base.java": `public class Base { public String hello() { return "base"; } }`,
		"A.java":    `public class A extends Base { public String hello() { return "A"; } }`,
		"B.java":    `public class B extends Base { public String hello() { return "B"; } }`,
		"Main.java": `public class Main {
  public static void main(String[] args) { StringBuilder b = new StringBuilder();
    for (int i = 0; i < 4; i++) { Base x = i % 2 == 0 ? new A() : new B(); b.append(x.hello()); } System.out.println(b); }
  static int other(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; } }`,
	}, "--release", "7")
	data, err := os.ReadFile(filepath.Join(dir, "Main.class"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := classfile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	c.Major = 50
	for _, m := range c.Methods {
		if code := m.Code(); code != nil {
			code.Attributes = slices.DeleteFunc(code.Attributes, func(a classfile.Attribute) bool { return a.Name() == classfile.AttrStackMapTable })
		}
	}
	if data, err = c.Write(); err != nil {
		t.Fatal(err)
	}
	site := t.TempDir()
	os.WriteFile(filepath.Join(site, "Main.class"), data, 0o644)
	px, srv := proxyFor(t, "coverage")
	origin := loopback(t, &Origin{Dir: site})
	resp := get(t, srv.URL, origin.URL+"/Main.class")
	body, _ := io.ReadAll(resp.Body)
	out, err := classfile.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(out.Method("other", "(I)I").Code().Code, c.Method("other", "(I)I").Code().Code) {
		t.Error("other() was not instrumented")
	}
	if !bytes.Equal(out.Method("main", "([Ljava/lang/String;)V").Code().Code, c.Method("main", "([Ljava/lang/String;)V").Code().Code) {
		t.Error("main() changed, though its frames need classes nobody has")
	}
	// HotSpot runs it (version 50: main's types inferred, as before).
	run := t.TempDir()
	for _, n := range []string{"Base", "A", "B"} {
		b, _ := os.ReadFile(filepath.Join(dir, n+".class"))
		os.WriteFile(filepath.Join(run, n+".class"), b, 0o644)
	}
	os.WriteFile(filepath.Join(run, "Main.class"), body, 0o644)
	var rt bytes.Buffer
	dvmruntime.WriteJar(&rt)
	os.WriteFile(filepath.Join(run, "rt.jar"), rt.Bytes(), 0o644)
	if r := jvmtest.MustJava(t, "-Xverify:all", "-cp", run+":"+filepath.Join(run, "rt.jar"), "Main"); r.Stdout != "ABAB\n" {
		t.Errorf("prints %q", r.Stdout)
	}
	evs, _ := px.Audit.Events(Query{})
	if len(evs) != 1 || evs[0].Outcome != "rewritten" || !strings.Contains(evs[0].Detail, "Main.main([Ljava/lang/String;)V") {
		t.Errorf("audit: %+v", evs)
	}
}

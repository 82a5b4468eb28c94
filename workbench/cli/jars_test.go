package cli

import (
	"bytes"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/proxy"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
)

// jdkTool is a tool of the running JDK ($JAVA_HOME), or the test is skipped.
func jdkTool(t *testing.T, name string) string {
	home := os.Getenv("JAVA_HOME")
	if home == "" {
		home = "/usr/lib/jvm/java-17-openjdk-amd64"
	}
	p := filepath.Join(home, "bin", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no %s in %s", name, home)
	}
	return p
}

func runTool(t *testing.T, dir, tool string, args ...string) string {
	t.Helper()
	c := exec.Command(tool, args...)
	c.Dir = dir
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(tool), strings.Join(args, " "), err, out)
	}
	return string(out)
}

func writeSources(t *testing.T, dir string, files map[string]string) {
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// shippedJar is an application as the JDK's own tools package it.
type shippedJar struct {
	name string // the jar under the site, e.g. app.jar
	main string
	// expect rewrites the direct run's output into what a run of the
	// rewritten jar prints; nil: the same.
	expect func(services, out string) string
}

// buildShippedJars makes, with javac, jar, keytool and jarsigner, the jars
// people ship: one by `jar --create` (a deflated META-INF/ directory entry),
// a multi-release jar, a signed jar, and an application naming its library
// in its manifest's Class-Path, whose code needs the library's classes for
// its frames.
func buildShippedJars(t *testing.T, site string) []shippedJar {
	javac, jar := jdkTool(t, "javac"), jdkTool(t, "jar")
	keytool, jarsigner := jdkTool(t, "keytool"), jdkTool(t, "jarsigner")
	src := t.TempDir()
	writeSources(t, src, map[string]string{
		"plain/p/Main.java": `package p;
public class Main { public static void main(String[] a) { int[] s = new int[6]; for (int i = 0; i < s.length; i++) s[i] = i * i; System.out.println("squares " + java.util.Arrays.toString(s)); } }`,
		"mr/base/m/Main.java": `package m;
public class Main { public static void main(String[] a) { System.out.println("impl " + Impl.which() + ", " + new Impl().count(5)); } }`,
		"mr/base/m/Impl.java": `package m;
public class Impl { static String which() { return "base"; } int count(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; } }`,
		"mr/v11/m/Impl.java": `package m;
public class Impl { static String which() { return "release 11"; } int count(int n) { return java.util.stream.IntStream.range(0, n).map(i -> i * 2).sum(); } }`,
		"signed/s/Main.java": `package s;
public class Main { public static void main(String[] a) {
  java.security.CodeSource cs = Main.class.getProtectionDomain().getCodeSource();
  java.security.cert.Certificate[] c = cs == null ? null : cs.getCertificates();
  System.out.println("signed classes: " + (c != null && c.length > 0));
  int s = 0; for (int i = 0; i < 10; i++) s += i % 3 == 0 ? i : -i; System.out.println("sum " + s); } }`,
		"lib/l/Base.java": `package l;
public class Base { public String hello() { return "base"; } }`,
		"lib/l/A.java": `package l;
public class A extends Base { public String hello() { return "A"; } }`,
		"lib/l/B.java": `package l;
public class B extends Base { public String hello() { return "B"; } }`,
		"app/a/Main.java": `package a;
public class Main { public static void main(String[] args) { StringBuilder b = new StringBuilder();
  for (int i = 0; i < 4; i++) { l.Base x = i % 2 == 0 ? new l.A() : new l.B(); b.append(x.hello()); } System.out.println("app " + b); } }`,
	})
	cls := func(name string, args ...string) string {
		out := filepath.Join(src, name+"-classes")
		runTool(t, src, javac, append([]string{"-d", out}, args...)...)
		return out
	}
	const date = "--date=2020-01-01T00:00:00Z"
	runTool(t, src, jar, "--create", "--file", filepath.Join(site, "plain.jar"), date, "-C", cls("plain", "plain/p/Main.java"), ".")

	base := cls("mrbase", "--release", "8", "mr/base/m/Main.java", "mr/base/m/Impl.java")
	v11 := cls("mr11", "--release", "11", "mr/v11/m/Impl.java")
	runTool(t, src, jar, "--create", "--file", filepath.Join(site, "mr.jar"), date, "-C", base, ".", "--release", "11", "-C", v11, ".")

	runTool(t, src, jar, "--create", "--file", filepath.Join(site, "signed.jar"), date, "-C", cls("signed", "signed/s/Main.java"), ".")
	runTool(t, src, keytool, "-genkeypair", "-keystore", "ks.p12", "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit",
		"-alias", "tester", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Tester, O=Example", "-validity", "3650")
	runTool(t, src, jarsigner, "-keystore", "ks.p12", "-storepass", "changeit", filepath.Join(site, "signed.jar"), "tester")

	libClasses := cls("lib", "lib/l/Base.java", "lib/l/A.java", "lib/l/B.java")
	os.MkdirAll(filepath.Join(site, "lib"), 0o755)
	runTool(t, src, jar, "--create", "--file", filepath.Join(site, "lib", "lib.jar"), date, "-C", libClasses, ".")
	os.WriteFile(filepath.Join(src, "app.mf"), []byte("Class-Path: lib/lib.jar\n"), 0o644)
	runTool(t, src, jar, "--create", "--file", filepath.Join(site, "app.jar"), date, "--manifest", "app.mf",
		"-C", cls("app", "-cp", libClasses, "app/a/Main.java"), ".")

	unsign := func(services, out string) string {
		if services == "coverage" {
			// Changed classes: the signature is dropped, as JaCoCo drops it.
			return strings.Replace(out, "signed classes: true", "signed classes: false", 1)
		}
		return out
	}
	return []shippedJar{
		{name: "plain.jar", main: "p.Main"},
		{name: "mr.jar", main: "m.Main"},
		{name: "signed.jar", main: "s.Main", expect: unsign},
		{name: "app.jar", main: "a.Main"},
	}
}

// TestShippedJars sends jars as the JDK's tools make them through `rewrite`,
// the proxy (services none, verify, coverage) and `dvmlab run`: each run
// prints what running the original jar with java prints.
func TestShippedJars(t *testing.T) {
	if testing.Short() {
		t.Skip("builds jars with the JDK's tools and starts JVMs")
	}
	java := jdkTool(t, "java")
	site := t.TempDir()
	jars := buildShippedJars(t, site)
	rt := filepath.Join(t.TempDir(), "rt.jar")
	var rtb bytes.Buffer
	if err := runtime.WriteJar(&rtb); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(rt, rtb.Bytes(), 0o644)
	javaRun := func(cp, main string) string {
		c := exec.Command(java, "-Xverify:all", "-cp", cp, main)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Errorf("java -cp %s %s: %v\n%s", cp, main, err, out)
		}
		return string(out)
	}
	want := map[string]string{}
	for _, j := range jars {
		want[j.name] = javaRun(filepath.Join(site, j.name), j.main)
		t.Logf("%s: %q", j.name, want[j.name])
	}
	if !strings.Contains(want["mr.jar"], "release 11") || !strings.Contains(want["signed.jar"], "signed classes: true") ||
		!strings.Contains(want["app.jar"], "app ABAB") {
		t.Fatalf("the jars do not do what they are built for: %v", want)
	}
	// dvmlab verify checks a multi-release jar's classes release by release:
	// a versioned class HotSpot rejects is rejected by its entry name.
	if code, _, errOut := run("verify", filepath.Join(site, "mr.jar")); code != 0 || !strings.Contains(errOut, "verify: 3 classes, 0 rejected") {
		t.Errorf("verify mr.jar: exit %d: %s", code, errOut)
	}
	badJar := badRelease(t, site)
	if r := exec.Command(java, "-Xverify:all", "-cp", badJar, "m.Main"); true {
		out, _ := r.CombinedOutput()
		if !strings.Contains(string(out), "java.lang.VerifyError") {
			t.Fatalf("HotSpot accepts the broken release-11 class: %s", out)
		}
	}
	if code, out, errOut := run("verify", badJar); code != 1 || !strings.HasPrefix(out, "META-INF/versions/11/m/Impl ") {
		t.Errorf("verify of a jar with a broken release-11 class: exit %d, %q %s", code, out, errOut)
	}
	expect := func(j shippedJar, services string) string {
		if j.expect == nil {
			return want[j.name]
		}
		return j.expect(services, want[j.name])
	}

	// Offline: rewrite each jar (and the library beside the application).
	for _, services := range []string{"none", "verify", "coverage"} {
		out := t.TempDir()
		for _, j := range append([]string{"lib/lib.jar"}, "plain.jar", "mr.jar", "signed.jar", "app.jar") {
			args := []string{"rewrite", "--services", services, filepath.Join(site, j), "-o", filepath.Join(out, j)}
			if services == "coverage" {
				args = append(args, "--frames", "recompute")
			}
			code, _, errOut := run(args...)
			if code != 0 {
				t.Fatalf("rewrite --services %s %s: exit %d\n%s", services, j, code, errOut)
			}
			if strings.Contains(errOut, "not found; merged") {
				t.Errorf("rewrite %s: a class of the jar's Class-Path was not found: %s", j, errOut)
			}
			if services == "none" {
				a, _ := os.ReadFile(filepath.Join(site, j))
				b, _ := os.ReadFile(filepath.Join(out, j))
				if !bytes.Equal(a, b) {
					t.Errorf("rewrite --services none %s: not byte-identical", j)
				}
			}
			if j == "signed.jar" && services == "coverage" && !strings.Contains(errOut, "dropped META-INF/TESTER.SF") {
				t.Errorf("rewrite coverage signed.jar does not say it dropped the signature: %s", errOut)
			}
		}
		for _, j := range jars {
			if got := javaRun(filepath.Join(out, j.name)+":"+rt, j.main); got != expect(j, services) {
				t.Errorf("rewrite --services %s %s: prints %q, want %q", services, j.name, got, expect(j, services))
			}
		}
	}

	// Through the proxy and the launcher, and direct.
	originAddr := serveLoopback(t, &proxy.Origin{Dir: site})
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	for _, services := range []string{"direct", "none", "verify", "coverage"} {
		addr := "direct"
		if services != "direct" {
			pl, err := service.Parse(services)
			if err != nil {
				t.Fatal(err)
			}
			pl.Classpath = []classpath.Finder{jdk}
			cache, _ := proxy.OpenCache("")
			signer, _ := proxy.NewSigner("")
			addr = serveLoopback(t, proxy.New(pl, cache, signer))
		}
		for _, j := range jars {
			var out, errOut bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}
			code := Run(env, []string{"run", "--proxy", addr, "http://" + originAddr + "/" + j.name, j.main})
			got := out.String() + errOut.String()
			if code != 0 || got != expect(j, services) {
				t.Errorf("run --proxy %s (%s) %s: exit %d, prints %q, want %q", addr, services, j.name, code, got, expect(j, services))
			}
		}
	}
}

// isolated-class-loader: a host loads its plug-in through a class loader
// whose parent is the platform loader; the plug-in's rewritten code must
// still find the runtime it calls, so the launcher puts the runtime on the
// boot class path.
func TestIsolatedClassLoader(t *testing.T) {
	if testing.Short() {
		t.Skip("starts JVMs through a proxy")
	}
	site := filepath.Join("testdata", "isolated-class-loader")
	originAddr := serveLoopback(t, &proxy.Origin{Dir: site})
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	pl, _ := service.Parse("coverage")
	pl.Classpath = []classpath.Finder{jdk}
	cache, _ := proxy.OpenCache("")
	signer, _ := proxy.NewSigner("")
	proxyAddr := serveLoopback(t, proxy.New(pl, cache, signer))
	plugins := "http://" + originAddr + "/plugins/"
	for _, app := range []string{"app/", "host.jar"} {
		for _, px := range []string{"direct", proxyAddr} {
			var out, errOut bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}
			code := Run(env, []string{"run", "--proxy", px, "http://" + originAddr + "/" + app, "host.Host", plugins})
			if code != 0 || out.String() != "desserts\n" || errOut.Len() > 0 {
				t.Errorf("run --proxy %s %s: exit %d, prints %q\n%s", px, app, code, out.String(), errOut.String())
			}
		}
	}
}

// TestMissingClassesFromOrigin: an application of two jars, the library
// named only on the launcher's command line (no Class-Path): frames of the
// application's rewritten code need the library's classes, which the proxy
// asks the origin for, through the URLs the launcher gave at the handshake.
func TestMissingClassesFromOrigin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds jars and starts JVMs")
	}
	javac, jar := jdkTool(t, "javac"), jdkTool(t, "jar")
	src, site := t.TempDir(), t.TempDir()
	writeSources(t, src, map[string]string{
		"l/Base.java": `package l; public class Base { public String hello() { return "base"; } }`,
		"l/A.java":    `package l; public class A extends Base { public String hello() { return "A"; } }`,
		"l/B.java":    `package l; public class B extends Base { public String hello() { return "B"; } }`,
		"a/Main.java": `package a; public class Main { public static void main(String[] args) { StringBuilder b = new StringBuilder();
  for (int i = 0; i < 4; i++) { l.Base x = i % 2 == 0 ? new l.A() : new l.B(); b.append(x.hello()); } System.out.println("app " + b); } }`,
	})
	runTool(t, src, javac, "-d", "lib", "l/Base.java", "l/A.java", "l/B.java")
	runTool(t, src, javac, "--release", "7", "-cp", "lib", "-d", "app", "a/Main.java")
	// As a Java 6 compiler would leave it: version 50, no StackMapTable
	// (HotSpot infers the types), so frames for rewritten code can only
	// come from the hierarchy, which needs the library.
	mainClass := filepath.Join(src, "app", "a", "Main.class")
	data, err := os.ReadFile(mainClass)
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
	os.WriteFile(mainClass, data, 0o644)
	runTool(t, src, jar, "--create", "--file", filepath.Join(site, "lib.jar"), "-C", "lib", ".")
	runTool(t, src, jar, "--create", "--file", filepath.Join(site, "app.jar"), "-C", "app", ".")
	originAddr := serveLoopback(t, &proxy.Origin{Dir: site})
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	pl, _ := service.Parse("coverage")
	pl.Classpath = []classpath.Finder{jdk}
	cache, _ := proxy.OpenCache("")
	px := proxy.New(pl, cache, nil)
	var logb bytes.Buffer
	px.Log = log.New(&logb, "", 0)
	audit, err := proxy.OpenAudit(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer audit.Close()
	px.Audit = audit
	proxyAddr := serveLoopback(t, px)
	o := "http://" + originAddr + "/"
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}
	if code := Run(env, []string{"run", "--proxy", proxyAddr, o + "app.jar," + o + "lib.jar", "a.Main"}); code != 0 || out.String() != "app ABAB\n" {
		t.Fatalf("exit %d, prints %q\n%s", code, out.String(), errOut.String())
	}
	evs, _ := audit.Events(proxy.Query{URL: "app.jar"})
	if len(evs) != 1 || evs[0].Outcome != "rewritten" || evs[0].Detail != "" {
		t.Fatalf("app.jar: %+v, want rewritten in full\n%s", evs, logb.String())
	}
	if !strings.Contains(logb.String(), "looking in the rest of the application") {
		t.Errorf("the proxy did not need the library: the test proves nothing\n%s", logb.String())
	}
}

// badRelease writes a copy of mr.jar whose release-11 m/Impl.which() pops
// an empty stack, which HotSpot's verifier rejects.
func badRelease(t *testing.T, site string) string {
	data, err := os.ReadFile(filepath.Join(site, "mr.jar"))
	if err != nil {
		t.Fatal(err)
	}
	z, err := classpath.ReadZipEdit(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range z.Entries {
		if e.Name != "META-INF/versions/11/m/Impl.class" {
			continue
		}
		rc, _ := e.File.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		c, err := classfile.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		code := c.Method("which", "()Ljava/lang/String;").Code()
		code.Code = []byte{0x57, 0x01, 0xb0} // pop; aconst_null; areturn
		code.MaxStack = 1
		if b, err = c.Write(); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := z.WriteTo(&out, map[int][]byte{i: b}, nil); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "bad.jar")
		os.WriteFile(p, out.Bytes(), 0o644)
		return p
	}
	t.Fatal("mr.jar has no release-11 m/Impl")
	return ""
}

// TestLoadedFromItsURL: through the launcher a jar's classes come from the
// jar's URL, as a URLClassLoader over that URL gives them: the code source
// a program sees is where its jar is, not a temporary copy.
func TestLoadedFromItsURL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a jar and starts JVMs")
	}
	javac, jar := jdkTool(t, "javac"), jdkTool(t, "jar")
	src, site := t.TempDir(), t.TempDir()
	writeSources(t, src, map[string]string{
		"w/Where.java": `package w;
public class Where { public static void main(String[] a) throws Exception {
  System.out.println(Where.class.getProtectionDomain().getCodeSource().getLocation());
  try (java.io.InputStream in = Where.class.getResourceAsStream("/w/note.txt")) { System.out.println(new String(in.readAllBytes(), "UTF-8").trim()); } } }`,
		"w/note.txt": "a resource beside the class\n",
	})
	runTool(t, src, javac, "-d", "classes", "w/Where.java")
	os.Rename(filepath.Join(src, "w", "note.txt"), filepath.Join(src, "classes", "w", "note.txt"))
	runTool(t, src, jar, "--create", "--file", filepath.Join(site, "where.jar"), "-C", "classes", ".")
	originAddr := serveLoopback(t, &proxy.Origin{Dir: site})
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	pl, _ := service.Parse("coverage")
	pl.Classpath = []classpath.Finder{jdk}
	cache, _ := proxy.OpenCache("")
	signer, _ := proxy.NewSigner("")
	proxyAddr := serveLoopback(t, proxy.New(pl, cache, signer))
	url := "http://" + originAddr + "/where.jar"
	for _, px := range []string{"direct", proxyAddr} {
		var out, errOut bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}
		code := Run(env, []string{"run", "--proxy", px, url, "w.Where"})
		if want := url + "\na resource beside the class\n"; code != 0 || out.String() != want {
			t.Errorf("--proxy %s: exit %d, prints %q, want %q\n%s", px, code, out.String(), want, errOut.String())
		}
	}
}

package service_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/runtime"
	"dvmlab/core/service"
	"dvmlab/core/service/coverage"
	"dvmlab/internal/jvmtest"
)

// Regression cases from programs as people ship them, each in testdata/
// under the name of its fault, with the JDK's own run as the expectation.

func pipeline(t *testing.T, spec string, frames bool) *service.Pipeline {
	t.Helper()
	p, err := service.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	p.RecomputeFrames = frames
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { jdk.Close() })
	p.Classpath = []classpath.Finder{jdk}
	return p
}

func runtimeJar(t *testing.T) string {
	var b bytes.Buffer
	if err := runtime.WriteJar(&b); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "rt.jar")
	os.WriteFile(p, b.Bytes(), 0o644)
	return p
}

// sameRun runs main from the original and from the rewritten class path
// (with the runtime) under -Xverify:all and wants the same output.
func sameRun(t *testing.T, orig, rewritten, main string) string {
	t.Helper()
	want := jvmtest.MustJava(t, "-cp", orig, main)
	got := jvmtest.Java(t, "-Xverify:all", "-cp", rewritten+":"+runtimeJar(t), main)
	if got.Err != nil || got.Stdout != want.Stdout {
		t.Fatalf("%s rewritten: %v, prints %q, want %q\n%s", main, got.Err, got.Stdout, want.Stdout, got.Stderr)
	}
	return got.Stdout
}

// jar-directory-entries: the JDK's jar tool deflates META-INF/ (2 bytes of
// data in a directory entry); archive/zip's writer refuses to copy it.
func TestJarDirectoryEntries(t *testing.T) {
	for _, name := range []string{"jdkjar.jar", "dirs.jar"} {
		in := filepath.Join("testdata", "jar-directory-entries", name)
		none := filepath.Join(t.TempDir(), name)
		if _, err := pipeline(t, "none", false).RewritePath(in, none, nil); err != nil {
			t.Fatalf("rewrite none %s: %v", name, err)
		}
		a, _ := os.ReadFile(in)
		b, _ := os.ReadFile(none)
		if !bytes.Equal(a, b) {
			t.Errorf("rewrite none %s: not byte-identical", name)
		}
		if testing.Short() {
			continue
		}
		cov := filepath.Join(t.TempDir(), name)
		st, err := pipeline(t, "coverage", true).RewritePath(in, cov, nil)
		if err != nil || st.Failed > 0 {
			t.Fatalf("rewrite coverage %s: %v %v", name, err, st.Errors)
		}
		sameRun(t, in, cov, "p.Main")
	}
}

// signed-jar-unchanged: a rewrite that changes no class keeps the jar, and
// so its signature; one that changes a class drops the signature files and
// says so.
func TestSignedJarUnchanged(t *testing.T) {
	in := filepath.Join("testdata", "signed-jar-unchanged", "signed.jar")
	orig, _ := os.ReadFile(in)
	none := filepath.Join(t.TempDir(), "none.jar")
	st, err := pipeline(t, "none", false).RewritePath(in, none, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(none); !bytes.Equal(b, orig) || len(st.Dropped) != 0 {
		t.Errorf("rewrite none: jar not identical, or signature dropped (%v)", st.Dropped)
	}
	cov := filepath.Join(t.TempDir(), "cov.jar")
	st, err = pipeline(t, "coverage", true).RewritePath(in, cov, nil)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(st.Dropped)
	if !slices.Equal(st.Dropped, []string{"META-INF/TESTER.EC", "META-INF/TESTER.SF"}) {
		t.Errorf("rewrite coverage dropped %v, want the signature files", st.Dropped)
	}
	// Every entry but the class and the signature keeps its stored bytes.
	a, _ := classpath.ReadZipEdit(bytes.NewReader(orig), int64(len(orig)))
	out, _ := os.ReadFile(cov)
	b, err := classpath.ReadZipEdit(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range b.Entries {
		names = append(names, e.Name)
	}
	var wantNames []string
	for _, e := range a.Entries {
		if !strings.HasPrefix(e.Name, "META-INF/TESTER.") {
			wantNames = append(wantNames, e.Name)
		}
	}
	if !slices.Equal(names, wantNames) {
		t.Errorf("entries %v, want %v in that order", names, wantNames)
	}
	if testing.Short() {
		return
	}
	r := jvmtest.MustJava(t, "-Xverify:all", "-cp", cov+":"+runtimeJar(t), "s.Main")
	if !strings.HasPrefix(r.Stdout, "signed classes: false\nsum -9") {
		t.Errorf("rewritten jar prints %q", r.Stdout)
	}
	if r := jvmtest.MustJava(t, "-cp", none, "s.Main"); !strings.HasPrefix(r.Stdout, "signed classes: true") {
		t.Errorf("jar rewritten with no service prints %q", r.Stdout)
	}
}

// method-near-64k: probes would push f over the 64 KB code limit; f keeps
// its code, the rest of the class is instrumented, the report says so.
func TestMethodNear64K(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "method-near-64k", "HugeMethod.class"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline(t, "coverage", true).Process(data)
	if err != nil {
		t.Fatalf("the class failed whole: %v", err)
	}
	var skipped []string
	for _, r := range res.Reports {
		skipped = append(skipped, r.Skipped...)
	}
	if !slices.Equal(skipped, []string{"HugeMethod.f(I)I"}) {
		t.Fatalf("skipped %v, want HugeMethod.f(I)I", skipped)
	}
	in, _ := classfile.Parse(data)
	out, err := classfile.Parse(res.Out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(in.Method("f", "(I)I").Code().Code, out.Method("f", "(I)I").Code().Code) {
		t.Error("f's code changed")
	}
	if bytes.Equal(in.Method("main", "([Ljava/lang/String;)V").Code().Code, out.Method("main", "([Ljava/lang/String;)V").Code().Code) {
		t.Error("main was not instrumented")
	}
	if testing.Short() {
		return
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "HugeMethod.class"), res.Out, 0o644)
	sameRun(t, filepath.Join("testdata", "method-near-64k"), dir, "HugeMethod")
}

// empty-finalize: HotSpot registers no finalizer for a finalize() that only
// returns; a probe there would make every instance finalizable.
func TestEmptyFinalize(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "empty-finalize", "Fin$Quiet.class"))
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"coverage", "coverage,coverage"} {
		res, err := pipeline(t, spec, true).Process(data)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := classfile.Parse(res.Out)
		if code := c.Method("finalize", "()V").Code().Code; !bytes.Equal(code, []byte{0xb1}) {
			t.Errorf("%s: finalize() is % x, want a lone return", spec, code)
		}
		// Block numbers stay those of the original class, which the
		// profile tools map counts back with.
		orig, _ := classfile.Parse(data)
		blocks, err := coverage.Blocks(orig)
		if err != nil {
			t.Fatal(err)
		}
		if res.Reports[0].Inserted != len(blocks) {
			t.Errorf("%s: %d probes numbered, the original has %d blocks", spec, res.Reports[0].Inserted, len(blocks))
		}
	}
	if testing.Short() {
		return
	}
	out := t.TempDir()
	if st, err := pipeline(t, "coverage", true).RewritePath(filepath.Join("testdata", "empty-finalize"), out, nil); err != nil || st.Failed > 0 {
		t.Fatal(err, st.Errors)
	}
	if got := sameRun(t, filepath.Join("testdata", "empty-finalize"), out, "Fin"); !strings.Contains(got, "200 of 200") {
		t.Errorf("prints %q", got)
	}
}

// TestEmptyFinalizeKeepsItsTables: the empty finalize() goes back as it
// came, its LocalVariableTable and LineNumberTable included; the probes'
// edit had stretched them in place over code that is then taken away, and
// HotSpot refused the class ("Invalid length 9 in LocalVariableTable",
// jython's PyObject).
func TestEmptyFinalizeKeepsItsTables(t *testing.T) {
	dir := jvmtest.Javac(t, map[string]string{"G.java": `public class G {
    protected void finalize() {}
    public static void main(String[] a) { System.out.println(new G() != null); }
}`}, "-g")
	data, err := os.ReadFile(filepath.Join(dir, "G.class"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline(t, "coverage", true).Process(data)
	if err != nil {
		t.Fatal(err)
	}
	tables := func(b []byte) string {
		c, err := classfile.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, a := range c.Method("finalize", "()V").Code().Attributes {
			switch a := a.(type) {
			case *classfile.LocalVariableTable:
				s = append(s, fmt.Sprint(a.Vars))
			case *classfile.LineNumberTable:
				s = append(s, fmt.Sprint(a.Lines))
			}
		}
		return strings.Join(s, " ")
	}
	if want, got := tables(data), tables(res.Out); got != want || !strings.Contains(want, "[{") {
		t.Errorf("finalize()'s tables %s, want %s", got, want)
	}
	if testing.Short() {
		return
	}
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "G.class"), res.Out, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := jvmtest.Java(t, "-Xverify:all", "-cp", out+":"+runtimeJar(t), "G"); r.Stdout != "true\n" {
		t.Errorf("rewritten G: %q %s %v", r.Stdout, r.Stderr, r.Err)
	}
}

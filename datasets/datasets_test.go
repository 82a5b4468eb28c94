package datasets

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// everything is every program the package knows: All, then Compilers.
func everything() []Program { return append(All(), Compilers()...) }

func TestManifest(t *testing.T) {
	var names []string
	for _, p := range everything() {
		names = append(names, p.Name)
		if p.Package == "" || p.Description == "" || p.Main == "" || len(p.Jars) == 0 || p.check == nil {
			t.Errorf("%s: incomplete entry", p.Name)
		}
		for _, j := range slices.Concat(p.Jars, p.Deps, p.Optional) {
			if !filepath.IsAbs(j) {
				t.Errorf("%s: jar %s is not absolute", p.Name, j)
			}
		}
		for _, in := range p.Inputs {
			if in.Path == "" {
				if _, err := testdata.ReadFile("testdata/" + in.Name); err != nil {
					t.Errorf("%s: input %s is not embedded: %v", p.Name, in.Name, err)
				}
			}
		}
		if p.Driver != "" {
			if _, err := driverSources.ReadFile("java/" + p.Driver + ".java"); err != nil {
				t.Errorf("%s: driver %s is not embedded: %v", p.Name, p.Driver, err)
			}
			if p.Main != driverPackage+p.Driver {
				t.Errorf("%s: Main is %s, not the driver %s", p.Name, p.Main, p.Driver)
			}
		}
		q, ok := Lookup(p.Name)
		if !ok || q.Name != p.Name {
			t.Errorf("Lookup(%q) = %v, %v", p.Name, q.Name, ok)
		}
	}
	want := []string{"jlex", "cup", "jython", "h2", "xalan", "batik", "fop", "lucene", "sunflow",
		"clojure", "groovy", "scala", "kotlin"}
	if !slices.Equal(names, want) {
		t.Errorf("All() and Compilers() = %v, want %v", names, want)
	}
	if n := len(All()); n != 9 {
		t.Errorf("All() has %d programs; the compilers belong to Compilers() alone", n)
	}
	if _, ok := Lookup("nonesuch"); ok {
		t.Error("Lookup found a program that does not exist")
	}
	// All hands out copies: changing one must not change the manifest.
	All()[0].Jars[0] = "/elsewhere.jar"
	if p, _ := Lookup("jlex"); p.Jars[0] == "/elsewhere.jar" {
		t.Error("All() shares its slices with the manifest")
	}
}

// TestDepsCoverManifests checks the explicit class paths against the jars'
// manifests: every jar the JVM would add through a Class-Path attribute is
// listed (in Deps if installed and needed, else in Optional), and Deps are
// in the order the JVM would search them.
func TestDepsCoverManifests(t *testing.T) {
	for _, p := range everything() {
		t.Run(p.Name, func(t *testing.T) {
			if m := p.Missing(); len(m) > 0 {
				t.Skipf("Debian package %s is not installed (missing %v)", p.Package, m)
			}
			listed := map[string]string{}
			for kind, js := range map[string][]string{"Jars": p.Jars, "Deps": p.Deps, "Optional": p.Optional} {
				for _, j := range js {
					if prev, ok := listed[j]; ok {
						t.Errorf("%s is in both %s and %s", j, prev, kind)
					}
					listed[j] = kind
				}
			}
			present, absent, err := manifestClosure(slices.Concat(p.Jars, p.Deps))
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range present {
				if listed[j] == "" {
					t.Errorf("the manifests put %s on the class path; list it in Deps or Optional", j)
				}
			}
			for _, j := range absent {
				if listed[j] != "Optional" {
					t.Errorf("the manifests name %s, which is not installed; list it in Optional", j)
				}
			}
			var order []string
			for _, j := range present {
				if listed[j] == "Deps" {
					order = append(order, j)
				}
			}
			if !slices.Equal(order, p.Deps) {
				t.Errorf("Deps are not in class-path order:\n got %v\nwant %v", p.Deps, order)
			}
		})
	}
}

func TestManifestAttr(t *testing.T) {
	mf := "Manifest-Version: 1.0\r\nClass-Path: /usr/share/java/a.j\r\n ar b.jar\r\nMain-Class: X\r\n\r\nName: x/\r\nClass-Path: c.jar\r\n"
	if got := manifestAttr(mf, "class-path"); got != "/usr/share/java/a.jar b.jar" {
		t.Errorf("Class-Path = %q", got)
	}
	if got := manifestAttr(mf, "Main-Class"); got != "X" {
		t.Errorf("Main-Class = %q", got)
	}
}

func TestClasspathAndArgs(t *testing.T) {
	dir := t.TempDir()
	jar := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := Program{
		Name:     "x",
		Jars:     []string{jar("own.jar"), jar("own2.jar")},
		Deps:     []string{jar("dep.jar")},
		Optional: []string{jar("opt.jar"), filepath.Join(dir, "absent.jar"), filepath.Join(dir, "absent2.jar")},
		Main:     "x.Main",
		JVMFlags: []string{"-Dx=1"},
		Args:     []string{"in.txt"},
	}
	cfg := RunConfig{
		JVMFlags: []string{"-Xverify:all"},
		Replace: map[string]string{
			p.Jars[0]:     "/rw/own.jar",
			p.Deps[0]:     "/rw/dep.jar",
			p.Optional[2]: "/rw/absent2.jar",
		},
		ExtraClasspath: []string{"/rt.jar"},
	}
	want := []string{"/rw/own.jar", p.Jars[1], "/rw/dep.jar", p.Optional[0], "/rw/absent2.jar", "/rt.jar"}
	if cp := p.Classpath(cfg); !slices.Equal(cp, want) {
		t.Errorf("Classpath = %v\nwant %v", cp, want)
	}
	args := p.JavaArgs(cfg, "/w")
	i := slices.Index(args, "-cp")
	if i < 0 || i+2 >= len(args) || args[i+1] != strings.Join(want, ":") || args[i+2] != p.Main || !slices.Equal(args[i+3:], p.Args) {
		t.Fatalf("JavaArgs = %v", args)
	}
	own, caller := slices.Index(args, "-Dx=1"), slices.Index(args, "-Xverify:all")
	if own < 0 || caller < own || caller > i {
		t.Errorf("want the program's flags, then the caller's, then -cp: %v", args)
	}
	if slices.Contains(args, "-jar") {
		t.Errorf("JavaArgs uses -jar: %v", args)
	}
}

func TestDiff(t *testing.T) {
	a := &Output{Program: "x", WorkDir: "/tmp/a", Stdout: "one\ntwo\n", Stderr: "read /tmp/a/in.txt\n",
		Files: map[string][]byte{"f.txt": []byte("same\n")}}
	b := &Output{Program: "x", WorkDir: "/tmp/b", Stdout: "one\ntwo\n", Stderr: "read /tmp/b/in.txt\n",
		Files: map[string][]byte{"f.txt": []byte("same\n")}}
	if d := a.Diff(b); d != "" {
		t.Errorf("work directories alone differ, yet Diff = %q", d)
	}
	b.Stdout = "one\nTWO\n"
	b.Files = map[string][]byte{"f.txt": []byte("same\n"), "g.txt": nil}
	d := a.Diff(b)
	for _, w := range []string{`stdout: 2 vs 2 lines, first difference at line 2: "two\n" vs "TWO\n"`, "g.txt: only in the second output"} {
		if !strings.Contains(d, w) {
			t.Errorf("Diff = %q, want it to contain %q", d, w)
		}
	}
	b.Stdout = "one\n"
	if d := a.Diff(b); !strings.Contains(d, `line 2: "two\n" vs end of text`) {
		t.Errorf("Diff = %q", d)
	}

	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	enc := func(level png.CompressionLevel) []byte {
		var buf bytes.Buffer
		e := png.Encoder{CompressionLevel: level}
		if err := e.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	fast, best := enc(png.NoCompression), enc(png.BestCompression)
	if d := diffFile("p.png", fast, best); !strings.Contains(d, "same pixels") {
		t.Errorf("re-encoded PNG: %q", d)
	}
	img.Set(3, 5, color.NRGBA{1, 2, 3, 255})
	if d := diffFile("p.png", fast, enc(png.NoCompression)); !strings.Contains(d, "1 of 64 pixels differ, first at (3,5)") {
		t.Errorf("changed PNG: %q", d)
	}
}

// runFlags are the flags of the determinism test: full verification of
// every class, and no class-data sharing, as rewriting tests run.
var runFlags = []string{"-Xverify:all", "-Xshare:off"}

func needJava(t *testing.T) {
	t.Helper()
	if _, err := (RunConfig{}).JavaPath(); err != nil {
		t.Skip("no java: ", err)
	}
}

// TestWorkloadsDeterministic runs each installed program twice, in two
// directories, and requires identical output that shows real work.
func TestWorkloadsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every Java program twice")
	}
	needJava(t)
	ctx := context.Background()
	for _, p := range everything() {
		t.Run(p.Name, func(t *testing.T) {
			if m := p.Missing(); len(m) > 0 {
				t.Skipf("Debian package %s is not installed (missing %v)", p.Package, m)
			}
			cfg := RunConfig{JVMFlags: runFlags, Timeout: 3 * time.Minute}
			var outs [2]*Output
			for i := range outs {
				o, err := p.Run(ctx, cfg, t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				if err := p.Check(o); err != nil {
					t.Errorf("run %d: %v", i+1, err)
				}
				t.Logf("run %d: %v (stdout %d bytes, stderr %d bytes, files %d bytes)",
					i+1, o.Elapsed.Round(time.Millisecond), len(o.Stdout), len(o.Stderr), fileBytes(o))
				outs[i] = o
			}
			if d := outs[0].Diff(outs[1]); d != "" {
				t.Errorf("two runs differ:\n%s", d)
			}
		})
	}
}

func fileBytes(o *Output) int {
	n := 0
	for _, b := range o.Files {
		n += len(b)
	}
	return n
}

// TestReplace swaps JLex's jar for a copy elsewhere, as a rewriting test
// swaps in a rewritten jar, and reruns in the same directory.
func TestReplace(t *testing.T) {
	if testing.Short() {
		t.Skip("runs JLex")
	}
	needJava(t)
	p, _ := Lookup("jlex")
	if m := p.Missing(); len(m) > 0 {
		t.Skipf("Debian package %s is not installed (missing %v)", p.Package, m)
	}
	data, err := os.ReadFile(p.Jars[0])
	if err != nil {
		t.Fatal(err)
	}
	copyJar := filepath.Join(t.TempDir(), "JLex-copy.jar")
	if err := os.WriteFile(copyJar, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	want, err := p.Run(ctx, RunConfig{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Run(ctx, RunConfig{Replace: map[string]string{p.Jars[0]: copyJar}}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Diff(want); d != "" {
		t.Errorf("the copied jar behaves differently:\n%s", d)
	}

	_, err = p.Run(ctx, RunConfig{Replace: map[string]string{p.Jars[0]: "/nonexistent/JLex.jar"}}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "jlex: class path entry /nonexistent/JLex.jar") {
		t.Errorf("missing replacement: err = %v", err)
	}
	_, err = p.Run(ctx, RunConfig{Timeout: time.Millisecond}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "jlex: stopped after") {
		t.Errorf("time limit: err = %v", err)
	}
	_, err = p.Run(ctx, RunConfig{JVMFlags: []string{"-XX:+NoSuchOptionAnywhere"}}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "jlex: java exited") || !strings.Contains(err.Error(), "NoSuchOptionAnywhere") {
		t.Errorf("failing JVM: err = %v", err)
	}
}

// TestClasspathResolvesLikeTheJVM checks that the explicit class path finds
// every class and service file in the same jar as the class path the JVM
// builds by itself from the original jars' manifests, so that an original
// run and a run with swapped jars load the same code.
func TestClasspathResolvesLikeTheJVM(t *testing.T) {
	for _, p := range everything() {
		t.Run(p.Name, func(t *testing.T) {
			if m := p.Missing(); len(m) > 0 {
				t.Skipf("Debian package %s is not installed (missing %v)", p.Package, m)
			}
			cp := p.Classpath(RunConfig{})
			effective, _, err := manifestClosure(cp)
			if err != nil {
				t.Fatal(err)
			}
			ours, jvms := firstProviders(t, cp), firstProviders(t, effective)
			bad := 0
			for name, j := range jvms {
				if ours[name] != j {
					if bad++; bad <= 5 {
						t.Errorf("%s: the JVM would load it from %s, Run from %s", name, j, ours[name])
					}
				}
			}
		})
	}
}

// firstProviders maps each class and service file to the first jar of the
// class path that has it.
func firstProviders(t *testing.T, cp []string) map[string]string {
	t.Helper()
	first := map[string]string{}
	for _, j := range cp {
		zr, err := zip.OpenReader(j)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			n := f.Name
			if !strings.HasSuffix(n, ".class") && !strings.HasPrefix(n, "META-INF/services/") {
				continue
			}
			if _, ok := first[n]; !ok {
				first[n] = j
			}
		}
		zr.Close()
	}
	return first
}

// TestDrivers builds the drivers in an empty cache, as on a fresh machine,
// and checks where they go: on the class path after the program's jars,
// never among Jars, and built once.
func TestDrivers(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the drivers")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if _, err := javacPath(); err != nil {
		t.Skip("no javac: ", err)
	}
	for _, p := range All() {
		if p.Driver == "" {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			if m := p.Missing(); len(m) > 0 {
				t.Skipf("Debian package %s is not installed (missing %v)", p.Package, m)
			}
			cp := p.Classpath(RunConfig{ExtraClasspath: []string{"/rt.jar"}})
			jar, err := p.driverJar()
			if err != nil {
				t.Fatal(err)
			}
			if want := slices.Concat(p.Jars, p.Deps, []string{jar, "/rt.jar"}); !slices.Equal(cp, want) {
				t.Errorf("Classpath = %v\nwant %v", cp, want)
			}
			if !strings.HasPrefix(jar, os.Getenv("XDG_CACHE_HOME")) || slices.Contains(p.Jars, jar) {
				t.Errorf("driver jar %s: want it in the cache and not among Jars", jar)
			}
			st, err := os.Stat(jar)
			if err != nil {
				t.Fatal(err)
			}
			if again := p.Classpath(RunConfig{}); !slices.Contains(again, jar) {
				t.Errorf("second Classpath = %v, lacks %s", again, jar)
			}
			if st2, err := os.Stat(jar); err != nil || !st2.ModTime().Equal(st.ModTime()) {
				t.Errorf("the driver was built again (%v)", err)
			}
			path, err := p.OpenClasspath()
			if err != nil {
				t.Fatal(err)
			}
			defer path.Close()
			main := strings.ReplaceAll(p.Main, ".", "/")
			if data, err := path.Find(main); err != nil || len(data) == 0 {
				t.Errorf("OpenClasspath does not find %s: %v", main, err)
			}
		})
	}
}

// TestDriverFailures: without javac the program is missing something, and
// a driver that does not compile stops Run with javac's message.
func TestDriverFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("runs javac")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	javac, err := javacPath()
	if err != nil {
		t.Skip("no javac: ", err)
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.jar")
	if err := os.WriteFile(empty, []byte("PK\x05\x06"+strings.Repeat("\x00", 18)), 0o644); err != nil {
		t.Fatal(err)
	}
	p, _ := Lookup("lucene")
	p.Jars = []string{empty}
	p.Optional = nil
	_, err = p.Run(context.Background(), RunConfig{}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "lucene: compiling driver LuceneWorkload") || !strings.Contains(err.Error(), "org.apache.lucene") {
		t.Errorf("driver against the wrong jars: err = %v", err)
	}
	if _, err := p.OpenClasspath(); err == nil {
		t.Error("OpenClasspath opened a class path without its driver")
	}

	t.Setenv("JAVA_HOME", dir)
	t.Setenv("PATH", dir)
	if m := p.Missing(); !slices.Equal(m, []string{filepath.Join(dir, "bin", "javac")}) {
		t.Errorf("without javac (was %s): Missing = %v", javac, m)
	}
}

// TestCollectDirectoryOutputs: an output named with a trailing slash is
// created empty by prepare and collected file by file, by relative path; an
// empty one means the program wrote nothing there.
func TestCollectDirectoryOutputs(t *testing.T) {
	dir := t.TempDir()
	p := Program{Name: "x", Outputs: []string{"out.txt", "classes/"}}
	if err := os.MkdirAll(filepath.Join(dir, "classes", "stale"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := p.prepare(dir); err != nil {
		t.Fatal(err)
	}
	if ents, err := os.ReadDir(filepath.Join(dir, "classes")); err != nil || len(ents) != 0 {
		t.Fatalf("prepare left classes/ as %v (%v), want it empty", ents, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "out.txt"), []byte("o"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Collect(dir, "", "", 0); err == nil || !strings.Contains(err.Error(), "wrote no classes/") {
		t.Errorf("empty classes/: err = %v", err)
	}
	for name, text := range map[string]string{"classes/a/B.class": "b", "classes/C.class": "c"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	o, err := p.Collect(dir, "out\n", "", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range o.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	if want := []string{"classes/C.class", "classes/a/B.class", "out.txt"}; !slices.Equal(names, want) || string(o.Files["classes/a/B.class"]) != "b" {
		t.Errorf("Files = %v, want %v", names, want)
	}
}

package classpath

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// jdk17 is the JDK the tests read real classes from; the Makefile's deps
// target installs it.
const jdk17 = "/usr/lib/jvm/java-17-openjdk-amd64"

func openJDK(t testing.TB) *JDK {
	t.Helper()
	if _, err := os.Stat(filepath.Join(jdk17, "jmods", "java.base.jmod")); err != nil {
		t.Skipf("no JDK 17 jmods: %v", err)
	}
	j, err := OpenJDK(jdk17)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := j.Close(); err != nil {
			t.Error(err)
		}
	})
	return j
}

func TestJDKFind(t *testing.T) {
	j := openJDK(t)
	for _, tc := range []struct{ name, internal, module string }{
		{"java/lang/String", "java/lang/String", "java.base"},
		{"java.lang.Object", "java/lang/Object", "java.base"},
		{"java.awt.Component", "java/awt/Component", "java.desktop"},
		{"javax/swing/JFrame", "javax/swing/JFrame", "java.desktop"},
		{"java/util/Map$Entry", "java/util/Map$Entry", "java.base"},
		{"com.sun.tools.javac.Main", "com/sun/tools/javac/Main", "jdk.compiler"},
	} {
		data, err := j.Find(tc.name)
		if err != nil {
			t.Errorf("Find(%q): %v", tc.name, err)
			continue
		}
		if got, err := ClassName(data); err != nil || got != tc.internal {
			t.Errorf("Find(%q): bytes name %q (%v), want %q", tc.name, got, err, tc.internal)
		}
		if m, err := j.ModuleOf(tc.name); err != nil || m != tc.module {
			t.Errorf("ModuleOf(%q) = %q, %v; want %q", tc.name, m, err, tc.module)
		}
	}
	for _, name := range []string{"java/lang/NoSuchClass", "", "java/lang/", "../../etc/passwd", "java/lang/String.class"} {
		if _, err := j.Find(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Find(%q) = %v, want fs.ErrNotExist", name, err)
		}
	}
	if _, err := j.ModuleOf("no/Such"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ModuleOf(no/Such) = %v, want fs.ErrNotExist", err)
	}
	if got, want := j.String(), "jdk "+jdk17; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// TestJDKAllClasses reads every class of every jmod and checks that the name
// the bytes declare is the name the class was found under: it exercises the
// CRC check of every entry and ClassName on the whole JDK.
func TestJDKAllClasses(t *testing.T) {
	j := openJDK(t)
	mods := j.Modules()
	t.Logf("%d modules", len(mods))
	if len(mods) < 60 {
		t.Errorf("only %d modules, want the ~70 of a full JDK 17", len(mods))
	}
	perModule := 0
	for _, m := range mods {
		jm := j.Module(m)
		if jm == nil {
			t.Fatalf("Module(%q) = nil", m)
		}
		names, _ := jm.Names()
		perModule += len(names)
		if _, err := jm.Find("module-info"); err != nil {
			t.Errorf("%s: no module-info: %v", jm, err)
		}
	}
	names, err := j.Names()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d classes in the union of all jmods (%d counting each module's module-info)", len(names), perModule)
	if len(names) < 25000 || len(names) > 28000 {
		t.Errorf("%d classes, want about 26,500", len(names))
	}
	if perModule-len(names) != len(mods)-1 {
		t.Errorf("union %d, sum %d: only module-info should repeat across modules", len(names), perModule)
	}
	var total int64
	i := 0
	err = j.Walk(func(name string, data []byte) error {
		if name != names[i] {
			t.Fatalf("Walk entry %d is %s, want %s (name order)", i, name, names[i])
		}
		i++
		total += int64(len(data))
		got, err := ClassName(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if got != name {
			t.Errorf("%s: this_class is %s", name, got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if i != len(names) {
		t.Errorf("Walk saw %d classes, Names lists %d", i, len(names))
	}
	t.Logf("%d bytes of class files", total)
}

func TestEveryJmodOpens(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(jdk17, "jmods", "*.jmod"))
	if len(files) == 0 {
		t.Skip("no JDK 17 jmods")
	}
	for _, f := range files {
		m, err := OpenJmod(f)
		if err != nil {
			t.Error(err)
			continue
		}
		names, _ := m.Names()
		if len(names) == 0 {
			t.Errorf("%s: no classes", m)
		}
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	}
}

// TestJavaHome resolves the JDK both ways OpenJDK("") can: from $JAVA_HOME
// and from the java on PATH through its symbolic links.
func TestJavaHome(t *testing.T) {
	t.Setenv("JAVA_HOME", jdk17)
	if h, err := JavaHome(); err != nil || h != jdk17 {
		t.Errorf("with JAVA_HOME set: %q, %v", h, err)
	}
	t.Setenv("JAVA_HOME", "")
	bin := t.TempDir()
	if err := os.Symlink(filepath.Join(jdk17, "bin", "java"), filepath.Join(bin, "java")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	h, err := JavaHome()
	if err != nil || h != jdk17 {
		t.Errorf("through PATH %s: %q, %v; want %s", bin, h, err, jdk17)
	}
	if _, err := os.Stat(filepath.Join(jdk17, "jmods")); err == nil {
		j, err := OpenJDK("")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := j.Find("java/lang/String"); err != nil {
			t.Error(err)
		}
		j.Close()
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := OpenJDK(""); err == nil {
		t.Error("no JAVA_HOME and no java on PATH: no error")
	} else {
		t.Log(err)
	}
}

func TestJDKWithoutJmods(t *testing.T) {
	_, err := OpenJDK(t.TempDir())
	if err == nil {
		t.Fatal("empty directory opened as a JDK")
	}
	t.Log(err)
	const jdk25 = "/usr/lib/jvm/temurin-25-jdk-amd64"
	if _, statErr := os.Stat(filepath.Join(jdk25, "lib", "modules")); statErr == nil {
		_, err := OpenJDK(jdk25)
		if err == nil {
			t.Fatalf("%s has no jmods but opened", jdk25)
		}
		t.Log(err)
	}
}

// TestConcurrentFind reads the same and different classes from many
// goroutines at once; run it with -race to check the claim that Find is safe
// for concurrent use.
func TestConcurrentFind(t *testing.T) {
	j := openJDK(t)
	base := j.Module("java.base")
	names, _ := base.Names()
	if testing.Short() {
		names = names[:1000]
	}
	want := make(map[string]int, len(names))
	for _, n := range names {
		data, err := base.Find(n)
		if err != nil {
			t.Fatal(err)
		}
		want[n] = len(data)
	}
	var wg sync.WaitGroup
	workers := 4 * runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(names); i += 1 + w%3 {
				n := names[i]
				data, err := j.Find(n)
				if err != nil {
					t.Error(err)
					return
				}
				if len(data) != want[n] {
					t.Errorf("%s: %d bytes, serial read gave %d", n, len(data), want[n])
					return
				}
				if got, err := ClassName(data); err != nil || got != n {
					t.Errorf("%s: read back as %q, %v", n, got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

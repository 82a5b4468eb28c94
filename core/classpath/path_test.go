package classpath

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParsePathOrder puts a directory holding an impostor java/lang/String
// (Object's bytes under String's path) before and after the JDK: whichever
// comes first must win.
func TestParsePathOrder(t *testing.T) {
	openJDK(t) // skips without a JDK
	t.Setenv("JAVA_HOME", jdk17)
	obj := jdkBytes(t, "java/lang/Object")
	str := jdkBytes(t, "java/lang/String")
	dir := t.TempDir()
	impostor := filepath.Join(dir, "cls")
	os.MkdirAll(filepath.Join(impostor, "java", "lang"), 0o755)
	os.WriteFile(filepath.Join(impostor, "java", "lang", "String.class"), obj, 0o644)
	os.MkdirAll(filepath.Join(impostor, "app"), 0o755)
	os.WriteFile(filepath.Join(impostor, "app", "Main.class"), obj, 0o644)

	jar := "/usr/share/java/JLex.jar"
	if _, err := os.Stat(jar); err != nil {
		jar = filepath.Join(dir, "one.jar")
		writeZip(t, jar, nil, []zipEntry{{name: "JLex/Main.class", data: obj}})
	}
	jmod := filepath.Join(jdk17, "jmods", "java.sql.jmod")

	for _, tc := range []struct {
		list string
		want []byte
	}{
		{impostor + ":" + jar + "::" + jmod + ":jdk", obj},
		{"jrt:" + impostor + ":" + jar, str},
	} {
		p, err := ParsePath(tc.list)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 4 && len(p) != 3 {
			t.Errorf("%s: %d sources: %s", tc.list, len(p), p)
		}
		data, err := p.Find("java.lang.String")
		if err != nil || !bytes.Equal(data, tc.want) {
			t.Errorf("%s: Find(java/lang/String) gave %d bytes, %v; want %d", p, len(data), err, len(tc.want))
		}
		for _, n := range []string{"JLex/Main", "app/Main", "java/sql/Connection", "java/awt/Frame"} {
			if _, err := p.Find(n); err != nil {
				t.Errorf("%s: Find(%s): %v", p, n, err)
			}
		}
		names, err := p.Names()
		if err != nil {
			t.Fatal(err)
		}
		seen := make(map[string]bool)
		for i, n := range names {
			if seen[n] || (i > 0 && names[i-1] >= n) {
				t.Fatalf("Names not sorted and unique at %d: %s", i, n)
			}
			seen[n] = true
		}
		t.Logf("%s: %d classes", p, len(names))
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	}
}

// TestPathWalk checks that Walk takes each class from the source Find would.
func TestPathWalk(t *testing.T) {
	obj := jdkBytes(t, "java/lang/Object")
	str := jdkBytes(t, "java/lang/String")
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jar"), filepath.Join(dir, "b.jar")
	writeZip(t, a, nil, []zipEntry{{name: "x/Same.class", data: obj}, {name: "x/OnlyA.class", data: obj}})
	writeZip(t, b, nil, []zipEntry{{name: "x/Same.class", data: str}, {name: "x/OnlyB.class", data: str}})
	p, err := ParsePath(a + ":" + b)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var got []string
	err = p.Walk(func(n string, data []byte) error {
		from := "a"
		if bytes.Equal(data, str) {
			from = "b"
		}
		got = append(got, n+"@"+from)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(got, " "); s != "x/OnlyA@a x/OnlyB@b x/Same@a" {
		t.Errorf("Walk: %s", s)
	}
}

func TestParsePathWildcard(t *testing.T) {
	obj := jdkBytes(t, "java/lang/Object")
	dir := t.TempDir()
	writeZip(t, filepath.Join(dir, "b.jar"), nil, []zipEntry{{name: "b/B.class", data: obj}})
	writeZip(t, filepath.Join(dir, "a.JAR"), nil, []zipEntry{{name: "a/A.class", data: obj}})
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	p, err := ParsePath(dir + "/*")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if len(p) != 2 || !strings.HasSuffix(p[0].String(), "a.JAR") || !strings.HasSuffix(p[1].String(), "b.jar") {
		t.Errorf("wildcard gave %s", p)
	}
}

func TestParsePathErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jar")
	os.WriteFile(bad, []byte("nope"), 0o644)
	for _, tc := range []struct{ list, want string }{
		{dir + ":" + filepath.Join(dir, "missing"), `entry 2 ("` + filepath.Join(dir, "missing") + `")`},
		{bad, "not a valid zip"},
		{filepath.Join(dir, "nodir") + "/*", "no such file"},
	} {
		p, err := ParsePath(tc.list)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParsePath(%q) = %v, %v; want an error with %q", tc.list, p, err, tc.want)
		} else {
			t.Log(err)
		}
	}
	p, err := ParsePath("")
	if err != nil || len(p) != 0 {
		t.Errorf("ParsePath(\"\") = %v, %v", p, err)
	}
	if _, err := p.Find("a/B"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty path Find: %v", err)
	}
}

// TestPathStopsOnBrokenEntry: a class that a source holds but cannot read is
// an error, not a reason to take the class from a later source.
func TestPathStopsOnBrokenEntry(t *testing.T) {
	obj := jdkBytes(t, "java/lang/Object")
	dir := t.TempDir()
	broken := filepath.Join(dir, "cls")
	os.MkdirAll(filepath.Join(broken, "x", "Y.class"), 0o755) // a directory, not a class file
	good := filepath.Join(dir, "good.jar")
	writeZip(t, good, nil, []zipEntry{{name: "x/Y.class", data: obj}})
	p, err := ParsePath(broken + ":" + good)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Find("x/Y"); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Find(x/Y) = %v, want the directory source's read error", err)
	}
}

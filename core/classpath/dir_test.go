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

// classTree writes JDK classes into a fresh directory at their package paths,
// plus files a class tree may hold that are not classes.
func classTree(t *testing.T, names ...string) (string, map[string][]byte) {
	t.Helper()
	root := t.TempDir()
	want := make(map[string][]byte)
	for _, n := range names {
		data := jdkBytes(t, n)
		want[n] = data
		p := filepath.Join(root, filepath.FromSlash(n)+".class")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, junk := range []string{"README", "java/lang/notes.txt", "META-INF/versions/9/java/lang/X.class", "a.b/C.class"} {
		p := filepath.Join(root, filepath.FromSlash(junk))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("junk"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, want
}

func TestDir(t *testing.T) {
	root, want := classTree(t, "java/lang/Object", "java/lang/String", "java/util/Map$Entry", "module-info")
	src, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, ok := src.(*Dir); !ok {
		t.Fatalf("Open(dir) is a %T", src)
	}
	names, err := src.Names()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, " "); got != "java/lang/Object java/lang/String java/util/Map$Entry module-info" {
		t.Errorf("Names() = %s", got)
	}
	for n, data := range want {
		for _, q := range []string{n, strings.ReplaceAll(n, "/", ".")} {
			got, err := src.Find(q)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("Find(%q): %d bytes, %v; want %d", q, len(got), err, len(data))
			}
		}
	}
	for _, n := range []string{"java/lang/Missing", "../" + filepath.Base(root) + "/java/lang/Object", "/java/lang/Object", "java//lang/Object", "java/lang/", "", "README", "a.b/C"} {
		if _, err := src.Find(n); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Find(%q) = %v, want fs.ErrNotExist", n, err)
		}
	}
	var walked []string
	if err := src.Walk(func(n string, data []byte) error {
		walked = append(walked, n)
		if !bytes.Equal(data, want[n]) {
			t.Errorf("Walk %s: wrong bytes", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(walked, " ") != strings.Join(names, " ") {
		t.Errorf("Walk order %q, Names %q", walked, names)
	}
	stop := errors.New("stop")
	calls := 0
	if err := src.Walk(func(string, []byte) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Walk returned %v after %d calls, want fn's error after 1", err, calls)
	}
	if got := src.String(); got != "dir "+root {
		t.Errorf("String() = %q", got)
	}
}

func TestDirUnreadableClass(t *testing.T) {
	root, _ := classTree(t, "java/lang/Object")
	// A directory where a class file should be: present, but not readable
	// as one, which must not read as absent.
	if err := os.MkdirAll(filepath.Join(root, "p", "Q.class"), 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Find("p/Q")
	if err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "p/Q.class") {
		t.Errorf("Find(p/Q) = %v, want an error naming p/Q.class that is not fs.ErrNotExist", err)
	}
	t.Log(err)
}

func TestSingleClassFile(t *testing.T) {
	data := jdkBytes(t, "java/util/Map$Entry")
	dir := t.TempDir()
	// The file name is deliberately not the class name: the name comes from
	// the bytes.
	for _, file := range []string{"Entry.class", "entry.bin"} {
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		src, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := src.(*ClassFile)
		if !ok {
			t.Fatalf("Open(%s) is a %T", file, src)
		}
		if c.Name() != "java/util/Map$Entry" {
			t.Errorf("%s: Name() = %q", file, c.Name())
		}
		names, _ := src.Names()
		if len(names) != 1 || names[0] != "java/util/Map$Entry" {
			t.Errorf("%s: Names() = %q", file, names)
		}
		got, err := src.Find("java.util.Map$Entry")
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: Find: %d bytes, %v", file, len(got), err)
		}
		got[0] = 0 // the caller's copy; the source must not change
		if again, _ := src.Find("java/util/Map$Entry"); again[0] != 0xCA {
			t.Errorf("%s: Find hands out the source's own buffer", file)
		}
		if _, err := src.Find("java/util/Map"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: Find(java/util/Map) = %v", file, err)
		}
		if got := src.String(); got != "class "+path {
			t.Errorf("String() = %q", got)
		}
		src.Close()
	}
}

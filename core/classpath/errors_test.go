package classpath

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wantOpenError checks that opening failed with an error naming the file.
func wantOpenError(t *testing.T, what string, s any, err error, path, why string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: opened %v", what, s)
		return
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), why) {
		t.Errorf("%s: %v, want it to name %s and say %q", what, err, path, why)
		return
	}
	t.Logf("%s: %v", what, err)
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.jar")
	s1, err := Open(missing)
	wantOpenError(t, "Open missing", s1, err, missing, "no such file")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open missing: %v is not fs.ErrNotExist", err)
	}
	j, err := OpenJar(missing)
	wantOpenError(t, "OpenJar missing", j, err, missing, "no such file")
	m, err := OpenJmod(missing)
	wantOpenError(t, "OpenJmod missing", m, err, missing, "no such file")
	d, err := OpenDir(missing)
	wantOpenError(t, "OpenDir missing", d, err, missing, "no such file")
	c, err := OpenClass(missing)
	wantOpenError(t, "OpenClass missing", c, err, missing, "no such file")

	text := filepath.Join(dir, "text.jar")
	os.WriteFile(text, []byte("this is not a zip file, just some text long enough to look for a directory"), 0o644)
	j, err = OpenJar(text)
	wantOpenError(t, "OpenJar text", j, err, text, "not a valid zip")
	empty := filepath.Join(dir, "empty.jar")
	os.WriteFile(empty, nil, 0o644)
	j, err = OpenJar(empty)
	wantOpenError(t, "OpenJar empty", j, err, empty, "not a valid zip")

	s, err := OpenDir(text)
	wantOpenError(t, "OpenDir on a file", s, err, text, "not a directory")

	unknown := filepath.Join(dir, "data.bin")
	os.WriteFile(unknown, []byte{1, 2, 3, 4, 5}, 0o644)
	s1, err = Open(unknown)
	wantOpenError(t, "Open unknown kind", s1, err, unknown, "not a directory, jar, jmod or class file")

	notClass := filepath.Join(dir, "X.class")
	os.WriteFile(notClass, []byte("hello"), 0o644)
	s1, err = Open(notClass)
	wantOpenError(t, "Open a .class that is not one", s1, err, notClass, "not a class file")
	if s1 != nil {
		t.Errorf("failed Open returned a non-nil Source %#v", s1)
	}
}

func TestJmodHeader(t *testing.T) {
	obj := jdkBytes(t, "java/lang/Object")
	dir := t.TempDir()
	entries := []zipEntry{{name: "classes/java/lang/Object.class", data: obj}, {name: "lib/libfoo.so", data: []byte{0x7f}}}
	good := filepath.Join(dir, "good.jmod")
	writeZip(t, good, jmodMagic, entries)
	m, err := OpenJmod(good)
	if err != nil {
		t.Fatal(err)
	}
	if names, _ := m.Names(); len(names) != 1 || names[0] != "java/lang/Object" {
		t.Errorf("Names() = %q", names)
	}
	if m.Module() != "good" {
		t.Errorf("Module() = %q", m.Module())
	}
	m.Close()

	for _, tc := range []struct {
		file   string
		header []byte
	}{
		{"v2.jmod", []byte{'J', 'M', 2, 0}},
		{"zip.jmod", nil}, // a jar renamed .jmod
		{"short.jmod", []byte{'J'}},
	} {
		path := filepath.Join(dir, tc.file)
		if tc.file == "short.jmod" {
			os.WriteFile(path, tc.header, 0o644)
		} else {
			writeZip(t, path, tc.header, entries)
		}
		m, err := OpenJmod(path)
		wantOpenError(t, tc.file, m, err, path, "bad jmod header")
		s, err := Open(path)
		wantOpenError(t, "Open "+tc.file, s, err, path, "bad jmod header")
	}
}

func TestTruncatedArchives(t *testing.T) {
	dir := t.TempDir()
	for _, src := range []string{"/usr/share/java/JLex.jar", filepath.Join(jdk17, "jmods", "java.sql.jmod")} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Log(err)
			continue
		}
		for _, keep := range []int{len(data) / 2, len(data) - 1, 30} {
			path := filepath.Join(dir, filepath.Base(src))
			os.WriteFile(path, data[:keep], 0o644)
			s, err := Open(path)
			wantOpenError(t, "truncated "+filepath.Base(src), s, err, path, "not a valid zip archive, or a truncated one")
		}
	}
}

// TestCorruptEntry flips bytes inside a deflated entry of an otherwise intact
// jar: the directory opens, the damaged class fails with an error naming it,
// and the others still read.
func TestCorruptEntry(t *testing.T) {
	obj := jdkBytes(t, "java/lang/Object")
	str := jdkBytes(t, "java/lang/String")
	path := filepath.Join(t.TempDir(), "corrupt.jar")
	writeZip(t, path, nil, []zipEntry{{name: "a/A.class", data: obj}, {name: "b/B.class", data: str}})
	data, _ := os.ReadFile(path)
	// The first local header is 30 bytes plus the name; damage the middle of
	// the first entry's data.
	for i := 30 + len("a/A.class") + 50; i < 30+len("a/A.class")+80; i++ {
		data[i] ^= 0x5a
	}
	os.WriteFile(path, data, 0o644)
	j, err := OpenJar(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	_, err = j.Find("a/A")
	if err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "a/A.class") || !strings.Contains(err.Error(), path) {
		t.Errorf("Find(a/A) = %v, want an error naming the jar and a/A.class", err)
	}
	t.Log(err)
	if _, err := j.Find("b/B"); err != nil {
		t.Errorf("Find(b/B): %v", err)
	}
}

// TestNotFound checks absence on every kind of source.
func TestNotFound(t *testing.T) {
	root, _ := classTree(t, "java/lang/Object")
	single := filepath.Join(root, "java", "lang", "Object.class")
	srcs := []string{root, single, filepath.Join(jdk17, "jmods", "java.base.jmod"), "/usr/share/java/JLex.jar"}
	var p Path
	for _, s := range srcs {
		src, err := Open(s)
		if err != nil {
			t.Log(err)
			continue
		}
		p = append(p, src)
	}
	defer p.Close()
	for _, src := range append([]Source{p}, p...) {
		_, err := src.Find("no/such/Class")
		var nf *NotFoundError
		if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &nf) || !strings.Contains(err.Error(), src.String()) {
			t.Errorf("%s: Find(no/such/Class) = %v", src, err)
		}
	}
	t.Log(p.Find("no.such.Class"))
}

package classpath

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDebianJars opens jars Debian ships; a jar that is not installed is
// skipped, not failed.
func TestDebianJars(t *testing.T) {
	for _, name := range []string{"guava.jar", "JLex.jar", "cup.jar", "asm.jar", "jaxb-api.jar", "plexus-utils2.jar"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("/usr/share/java", name)
			if _, err := os.Stat(path); err != nil {
				t.Skip(err)
			}
			src, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if _, ok := src.(*Jar); !ok {
				t.Errorf("Open(%s) is a %T, want *Jar", path, src)
			}
			names, err := src.Names()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d classes", src, len(names))
			if len(names) == 0 {
				t.Fatal("no classes")
			}
			for _, n := range []string{names[0], names[len(names)/2], names[len(names)-1]} {
				data, err := src.Find(strings.ReplaceAll(n, "/", "."))
				if err != nil {
					t.Errorf("Find(%s): %v", n, err)
					continue
				}
				if got, err := ClassName(data); err != nil || got != n {
					t.Errorf("Find(%s): bytes name %q, %v", n, got, err)
				}
			}
			count := 0
			if err := src.Walk(func(n string, data []byte) error {
				count++
				if got, err := ClassName(data); err != nil || got != n {
					t.Errorf("Walk %s: bytes name %q, %v", n, got, err)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if count != len(names) {
				t.Errorf("Walk saw %d classes, Names lists %d", count, len(names))
			}
			for _, n := range names {
				if strings.HasPrefix(n, "META-INF/") {
					t.Errorf("%s: multi-release entry listed", n)
				}
			}
		})
	}
}

// TestMultiReleaseJar checks on a real multi-release jar that the base class
// is the one found and module-info is a class.
func TestMultiReleaseJar(t *testing.T) {
	path := "/usr/share/java/jaxb-api.jar"
	j, err := OpenJar(path)
	if err != nil {
		t.Skip(err)
	}
	defer j.Close()
	if _, err := j.Find("module-info"); err != nil {
		t.Errorf("module-info: %v", err)
	}
	data, err := j.Find("javax/xml/bind/ModuleUtil")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == "META-INF/versions/9/javax/xml/bind/ModuleUtil.class" && f.UncompressedSize64 == uint64(len(data)) {
			t.Errorf("ModuleUtil came from META-INF/versions/9 (same size %d)", len(data))
		}
	}
}

type zipEntry struct {
	name string
	data []byte
	raw  *zip.FileHeader // when set, data is written raw under this header
}

func writeZip(t *testing.T, path string, prefix []byte, entries []zipEntry) {
	t.Helper()
	var buf bytes.Buffer
	buf.Write(prefix)
	w := zip.NewWriter(&buf)
	// Offsets inside the zip count from its own start, as the JDK's jmod
	// tool writes them after its header.
	w.SetOffset(0)
	for _, e := range entries {
		var fw io.Writer
		var err error
		if e.raw != nil {
			fw, err = w.CreateRaw(e.raw)
		} else {
			fw, err = w.Create(e.name)
		}
		if err == nil {
			_, err = fw.Write(e.data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// jdkBytes copies a class out of java.base for synthetic containers.
func jdkBytes(t *testing.T, name string) []byte {
	t.Helper()
	m, err := OpenJmod(filepath.Join(jdk17, "jmods", "java.base.jmod"))
	if err != nil {
		t.Skip(err)
	}
	defer m.Close()
	data, err := m.Find(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSyntheticJar covers what real jars rarely have: duplicate names,
// directory entries, unsafe paths, multi-release entries, and entries whose
// headers lie about their data.
func TestSyntheticJar(t *testing.T) {
	obj := jdkBytes(t, "java/lang/Object")
	str := jdkBytes(t, "java/lang/String")
	stored := func(name string, data []byte, size uint64, crc uint32) zipEntry {
		return zipEntry{name: name, data: data, raw: &zip.FileHeader{
			Name: name, Method: zip.Store, CRC32: crc,
			CompressedSize64: uint64(len(data)), UncompressedSize64: size,
		}}
	}
	path := filepath.Join(t.TempDir(), "synthetic.jar")
	writeZip(t, path, nil, []zipEntry{
		{name: "java/"},
		{name: "java/lang/Object.class", data: str}, // replaced by the later duplicate
		{name: "java/lang/Object.class", data: obj},
		{name: "java/lang/String.class", data: str},
		{name: "META-INF/versions/11/java/lang/Thing.class", data: obj},
		{name: "module-info.class", data: obj},
		{name: "../escape.class", data: obj},
		{name: "a.b/C.class", data: obj},
		{name: "notes.txt", data: []byte("not a class")},
		stored("bomb/Big.class", obj[:100], MaxClassSize+1, 0),
		stored("bad/Crc.class", obj, uint64(len(obj)), crc32.ChecksumIEEE(obj)+1),
		stored("bad/Long.class", obj, uint64(len(obj)-10), 0),
		stored("bad/Short.class", obj[:len(obj)-10], uint64(len(obj)), 0),
	})
	j, err := OpenJar(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	names, _ := j.Names()
	want := []string{"bad/Crc", "bad/Long", "bad/Short", "bomb/Big", "java/lang/Object", "java/lang/String", "module-info"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("Names() = %q, want %q", names, want)
	}
	if data, err := j.Find("java.lang.Object"); err != nil || !bytes.Equal(data, obj) {
		t.Errorf("duplicate java/lang/Object: got %d bytes, %v; want the last entry's %d", len(data), err, len(obj))
	}
	for _, n := range []string{"java/lang/Thing", "../escape", "a.b/C", "a/b/C", "notes", "java/"} {
		if _, err := j.Find(n); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Find(%q) = %v, want fs.ErrNotExist", n, err)
		}
	}
	for _, tc := range []struct{ name, why string }{
		{"bomb/Big", "over the 67108864-byte limit"},
		{"bad/Crc", "checksum"},
		{"bad/Long", "runs past the declared"},
		{"bad/Short", "ends before the declared"},
	} {
		_, err := j.Find(tc.name)
		var ee *EntryError
		switch {
		case err == nil:
			t.Errorf("Find(%s): no error", tc.name)
		case errors.Is(err, fs.ErrNotExist):
			t.Errorf("Find(%s): %v reads as absent", tc.name, err)
		case !errors.As(err, &ee) || ee.Entry != tc.name+".class" || !strings.Contains(err.Error(), path):
			t.Errorf("Find(%s): %v does not name the jar and the entry", tc.name, err)
		case !strings.Contains(err.Error(), tc.why):
			t.Errorf("Find(%s): %v, want it to say %q", tc.name, err, tc.why)
		default:
			t.Log(err)
		}
	}
	// Walk stops at the first failure, in name order the CRC one.
	seen := 0
	err = j.Walk(func(string, []byte) error { seen++; return nil })
	if err == nil || !strings.Contains(err.Error(), "bad/Crc.class") || seen != 0 {
		t.Errorf("Walk: %v after %d classes, want the bad/Crc.class error first", err, seen)
	}
}

package classpath

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"dvmlab/internal/jvmtest"
)

// rawEntries reads every entry as stored: header and compressed bytes.
func rawEntries(t *testing.T, data []byte) ([]zip.FileHeader, [][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var hs []zip.FileHeader
	var raws [][]byte
	for _, f := range zr.File {
		r, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		hs = append(hs, f.FileHeader)
		raws = append(raws, b)
	}
	return hs, raws
}

// TestZipEditKeepsEntries replaces one entry of real archives (a jar by the
// JDK's jar tool with a deflated META-INF/ entry, a jmod behind its header,
// a Debian jar) with its own contents, and drops another: every other entry
// keeps its header, attributes and stored bytes, in order, and the replaced
// one reads back the same.
func TestZipEditKeepsEntries(t *testing.T) {
	ins := []string{filepath.Join("testdata", "jar-directory-entries", "jdkjar.jar"), "/usr/share/java/JLex.jar"}
	if home := os.Getenv("JAVA_HOME"); home != "" {
		ins = append(ins, filepath.Join(home, "jmods", "java.sql.jmod"))
	}
	for _, in := range ins {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Logf("%s: %v", in, err)
			continue
		}
		z, err := ReadZipEdit(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		same := func(replace map[int][]byte, drop map[int]bool) []byte {
			var out bytes.Buffer
			if err := z.WriteTo(&out, replace, drop); err != nil {
				t.Fatalf("%s: %v", in, err)
			}
			return out.Bytes()
		}
		if !bytes.Equal(same(nil, nil), data) {
			t.Errorf("%s: written back with no change, not identical", in)
		}
		rep, dropped := -1, -1
		for i, e := range z.Entries {
			if rep < 0 && filepath.Ext(e.Name) == ".class" {
				rep = i
			} else if dropped < 0 && i > 0 && !e.IsDir() && i != rep {
				dropped = i
			}
		}
		rc, _ := z.Entries[rep].File.Open()
		content, _ := io.ReadAll(rc)
		rc.Close()
		out := same(map[int][]byte{rep: content}, map[int]bool{dropped: true})
		if !bytes.Equal(out[:4], data[:4]) {
			t.Errorf("%s: the bytes before the zip changed", in)
		}
		wantH, wantRaw := rawEntries(t, data)
		gotH, gotRaw := rawEntries(t, out)
		wantH = slices.Delete(wantH, dropped, dropped+1)
		wantRaw = slices.Delete(wantRaw, dropped, dropped+1)
		if len(gotH) != len(wantH) {
			t.Fatalf("%s: %d entries, want %d", in, len(gotH), len(wantH))
		}
		for i := range gotH {
			g, w := gotH[i], wantH[i]
			if g.Name != w.Name || !g.Modified.Equal(w.Modified) || g.ExternalAttrs != w.ExternalAttrs || g.Comment != w.Comment {
				t.Errorf("%s: entry %d: %s, want %s with the same time and attributes", in, i, g.Name, w.Name)
			}
			zi := i
			if i >= dropped {
				zi++
			}
			if zi == rep {
				f, _ := zip.NewReader(bytes.NewReader(out), int64(len(out)))
				r, err := f.File[i].Open()
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(r)
				if err != nil || !bytes.Equal(b, content) {
					t.Errorf("%s: replaced entry reads back different: %v", in, err)
				}
				continue
			}
			if g.Method != w.Method || g.CRC32 != w.CRC32 || !bytes.Equal(g.Extra, w.Extra) || !bytes.Equal(gotRaw[i], wantRaw[i]) {
				t.Errorf("%s: %s not copied as stored", in, g.Name)
			}
		}
	}
}

// TestZipEditZip64: a jar of more entries than the 16-bit counts hold has
// Zip64 end records (APPNOTE §4.3.14), and every entry a data descriptor
// (archive/zip writes one). Rewriting one entry and dropping another keeps
// both valid: the JVM runs the class from the result.
func TestZipEditZip64(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a jar of 70,000 entries")
	}
	class, err := readZipEntryFile(filepath.Join("testdata", "jar-directory-entries", "jdkjar.jar"), "p/Main.class")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	const n = 70000
	for i := 0; i < n; i++ {
		name := "data/" + strconv.Itoa(i)
		content := []byte(name)
		if i == n/2 {
			name, content = "p/Main.class", class
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	zw.Close()
	data := buf.Bytes()
	z, err := ReadZipEdit(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if z.zip64 == nil || len(z.Entries) != n {
		t.Fatalf("%d entries, Zip64 end record %v", len(z.Entries), z.zip64 != nil)
	}
	var out bytes.Buffer
	if err := z.WriteTo(&out, map[int][]byte{n / 2: class}, map[int]bool{0: true}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil || len(zr.File) != n-1 {
		t.Fatalf("rewritten: %v, %d entries", err, len(zr.File))
	}
	jar := filepath.Join(t.TempDir(), "big.jar")
	os.WriteFile(jar, out.Bytes(), 0o644)
	r := jvmtest.MustJava(t, "-cp", jar, "p.Main")
	if r.Stdout != "squares [0, 1, 4, 9, 16, 25]\n" {
		t.Errorf("java prints %q", r.Stdout)
	}
}

// readZipEntryFile reads one entry of a zip file.
func readZipEntryFile(path, name string) ([]byte, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	f, err := zr.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

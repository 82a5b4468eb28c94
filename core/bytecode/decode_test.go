package bytecode

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// jdkCode returns the code arrays of every method of the given JDK modules
// (all of them when none is named).
func jdkCode(t testing.TB, modules ...string) [][]byte {
	home, err := classpath.JavaHome()
	if err != nil {
		t.Skip(err)
	}
	jmods, _ := filepath.Glob(filepath.Join(home, "jmods", "*.jmod"))
	var out [][]byte
	for _, j := range jmods {
		if len(modules) > 0 {
			keep := false
			for _, m := range modules {
				keep = keep || filepath.Base(j) == m+".jmod"
			}
			if !keep {
				continue
			}
		}
		f, err := os.Open(j)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		zr, err := zip.NewReader(io.NewSectionReader(f, 4, st.Size()-4), st.Size()-4)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range zr.File {
			if filepath.Ext(e.Name) != ".class" {
				continue
			}
			rc, _ := e.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			c, err := classfile.Parse(data)
			if err != nil {
				t.Fatalf("%s: %v", e.Name, err)
			}
			for _, m := range c.Methods {
				if code := m.Code(); code != nil {
					out = append(out, code.Code)
				}
			}
		}
		f.Close()
	}
	return out
}

func TestDecodeEncodeJDK(t *testing.T) {
	var codes [][]byte
	if testing.Short() {
		codes = jdkCode(t, "java.base")
	} else {
		codes = jdkCode(t)
	}
	insns, bytesN := 0, 0
	seen := map[Opcode]bool{}
	for _, code := range codes {
		list, err := Decode(code)
		if err != nil {
			t.Fatal(err)
		}
		off := 0
		for _, in := range list {
			if in.Offset != off {
				t.Fatalf("instruction at %d, expected %d", in.Offset, off)
			}
			off += in.Len
			seen[in.Op] = true
		}
		out, err := Encode(list)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, code) {
			t.Fatalf("re-encoded code differs")
		}
		insns += len(list)
		bytesN += len(code)
	}
	t.Logf("%d methods, %d instructions, %d bytes, %d distinct opcodes: all re-encoded identical", len(codes), insns, bytesN, len(seen))
}

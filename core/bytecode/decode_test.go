package bytecode

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// jdkCode returns the code arrays of every method of the given JDK modules
// (all of them when none is named).
func jdkCode(t testing.TB, modules ...string) [][]byte {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	var srcs []classpath.Source
	if len(modules) == 0 {
		srcs = []classpath.Source{jdk}
	}
	for _, m := range modules {
		srcs = append(srcs, jdk.Module(m))
	}
	var out [][]byte
	for _, src := range srcs {
		err := src.Walk(func(name string, data []byte) error {
			c, err := classfile.Parse(data)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			for _, m := range c.Methods {
				if code := m.Code(); code != nil {
					out = append(out, code.Code)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
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

// FuzzDecode: decoding never panics, and whatever decodes re-encodes to the
// same bytes.
func FuzzDecode(f *testing.F) {
	codes := jdkCode(f, "java.base")
	for i := 0; i < len(codes); i += 997 {
		f.Add(codes[i])
	}
	f.Add([]byte{0xaa, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}) // tableswitch, low > high
	f.Add([]byte{0xc4, 0x84, 0, 1, 0xff, 0xff})                         // wide iinc
	f.Fuzz(func(t *testing.T, code []byte) {
		insns, err := Decode(code)
		if err != nil {
			return
		}
		out, err := Encode(insns)
		if err != nil {
			t.Fatalf("decoded code does not encode: %v", err)
		}
		if !bytes.Equal(out, code) {
			t.Fatalf("re-encoded code differs")
		}
	})
}

// TestTruncatedInstructions cuts real code at every byte of its first
// instructions: an error naming the offset, never a panic.
func TestTruncatedInstructions(t *testing.T) {
	for _, code := range [][]byte{
		{0x11, 0x01, 0x02},                      // sipush
		{0xb9, 0x00, 0x01, 0x02, 0x00},          // invokeinterface
		{0xc4, 0x84, 0x00, 0x01, 0xff, 0xff},    // wide iinc
		{0xab, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // lookupswitch: padding, default 0, npairs 0
	} {
		if _, err := Decode(code); err != nil {
			t.Fatalf("%x: %v", code, err)
		}
		for n := 0; n < len(code); n++ {
			_, err := Decode(code[:n])
			if n == 0 {
				continue
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%x cut at %d: got %v, want a DecodeError", code, n, err)
			}
		}
	}
	if _, err := Decode([]byte{0xc4, 0x60}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("cannot modify iadd")) {
		t.Fatalf("wide iadd: %v", err)
	}
	if _, err := Decode([]byte{0xcb}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("unknown opcode 0xcb")) {
		t.Fatalf("opcode 0xcb: %v", err)
	}
}

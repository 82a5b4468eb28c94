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
	wide, odd := 0, 0 // odd: nonzero padding or trailing bytes
	for i, code := range codes {
		list, err := Decode(code)
		if err != nil {
			t.Fatal(err)
		}
		checkTiling(t, fmt.Sprintf("method %d", i), code, list)
		for _, in := range list {
			seen[in.Op] = true
			if in.Wide {
				wide++
			}
			if in.Zero != 0 || in.Switch != nil && in.Switch.Pad != nil {
				odd++
			}
		}
		out, err := Encode(list)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, code) {
			t.Fatalf("method %d: re-encoded code differs at byte %d", i, firstDiff(out, code))
		}
		insns += len(list)
		bytesN += len(code)
	}
	var unseen []string
	for i := 0; i < 256; i++ {
		if op := Opcode(i); op.Valid() && op != Wide && !seen[op] {
			unseen = append(unseen, op.String())
		}
	}
	t.Logf("%d methods, %d instructions, %d bytes, %d distinct opcodes, %d wide, %d with nonzero padding or trailing bytes: all re-encoded identical; never used: %v", len(codes), insns, bytesN, len(seen), wide, odd, unseen)
}

// BenchmarkDecode decodes every method of java.base.
func BenchmarkDecode(b *testing.B) {
	codes := jdkCode(b, "java.base")
	size, insns := 0, 0
	for _, code := range codes {
		size += len(code)
		list, err := Decode(code)
		if err != nil {
			b.Fatal(err)
		}
		insns += len(list)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, code := range codes {
			if _, err := Decode(code); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(insns)*float64(b.N)/b.Elapsed().Seconds(), "insns/s")
}

// BenchmarkEncode re-encodes every method of java.base.
func BenchmarkEncode(b *testing.B) {
	codes := jdkCode(b, "java.base")
	lists := make([][]Instruction, len(codes))
	size := 0
	for i, code := range codes {
		size += len(code)
		var err error
		if lists[i], err = Decode(code); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, list := range lists {
			if _, err := Encode(list); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func firstDiff(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
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
	for _, c := range readDecodeCases(f) {
		f.Add(c.code)
	}
	f.Fuzz(func(t *testing.T, code []byte) {
		insns, err := Decode(code)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset >= len(code) {
				t.Fatalf("error %v is not a DecodeError inside the code", err)
			}
			return
		}
		checkTiling(t, "fuzz", code, insns)
		out, err := Encode(insns)
		if err != nil {
			t.Fatalf("decoded code does not encode: %v", err)
		}
		if !bytes.Equal(out, code) {
			t.Fatalf("re-encoded code differs at byte %d:\n got %x\nwant %x", firstDiff(out, code), out, code)
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

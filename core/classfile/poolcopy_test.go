package classfile

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
	"unsafe"
)

// poolBounds walks a parsed class's entries to find where its first Utf8
// entry starts and where the pool ends in the file: an account of the
// pool's layout independent of the reader's.
func poolBounds(c *Class) (firstUtf8, end int) {
	off, firstUtf8 := 10, -1
	for k := 1; k < len(c.Pool.Entries); k++ {
		e := &c.Pool.Entries[k]
		switch e.Tag {
		case 0:
			continue
		case TagUtf8:
			if firstUtf8 < 0 {
				firstUtf8 = off
			}
			n := len(e.Str)
			if raw := c.Pool.RawUtf8(k); raw != nil {
				n = len(raw)
			} else {
				n = len(appendMUTF8(nil, e.Str))
			}
			off += 3 + n
		case TagLong, TagDouble:
			off += 9
		case TagClass, TagString, TagMethodType, TagModule, TagPackage:
			off += 3
		case TagMethodHandle:
			off += 4
		default:
			off += 5
		}
	}
	return firstUtf8, off
}

// TestPoolTextIsThePool checks that the bytes the reader cuts Utf8 texts
// from are the pool's own, from its first entry to its end, in the class
// file itself and not a copy of it; that every text read the same in UTF-8
// is one of those cuts; and that nothing after the pool (code, tables) is
// taken.
func TestPoolTextIsThePool(t *testing.T) {
	check := func(name string, data []byte) {
		c, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		first, end := poolBounds(c)
		if first < 0 {
			return
		}
		if c.Pool.text != string(data[10:end]) {
			t.Fatalf("%s: text is %d bytes, want the %d of the pool at 10..%d", name, len(c.Pool.text), end-10, end)
		}
		if unsafe.StringData(c.Pool.text) != &data[10] {
			t.Fatalf("%s: the pool's text is a copy, not the class file's bytes", name)
		}
		for i, e := range c.Pool.Entries {
			if e.Tag == TagUtf8 && e.Str != "" && c.Pool.RawUtf8(i) == nil && sameAsUTF8([]byte(e.Str)) &&
				c.Pool.parsedAt(e.Str) < 0 {
				t.Fatalf("%s: Utf8 #%d %q is not cut from the class file", name, i, e.Str)
			}
		}
	}
	check("tiny", tiny(t))
	if testing.Short() {
		return
	}
	for _, c := range jdkClasses(t, "java.base") {
		check(c.name, c.data)
	}
}

// TestAppendToOverItsInput writes a parsed class into the very buffer it
// was parsed from, one byte on (after its first), whose texts and code the
// writer copies from as it writes: the result must still be that byte and
// the class, byte for byte.
func TestAppendToOverItsInput(t *testing.T) {
	data := tiny(t)
	want := bytes.Clone(data)
	c, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.AppendTo(data[:1])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, append(want[:1:1], want...)) {
		t.Fatalf("written over its input, the class comes out different (%d bytes, want %d)", len(out), 1+len(want))
	}
	if !bytes.Equal(data, want) {
		t.Fatal("AppendTo wrote into the bytes the class was parsed from")
	}
}

// TestHeaderOwnsItsNames checks that ParseHeader's names outlive a change
// to the bytes they were read from: hierarchies keep headers, not classes.
func TestHeaderOwnsItsNames(t *testing.T) {
	data := tiny(t)
	h, err := ParseHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	name, super := strings.Clone(h.Name), strings.Clone(h.Super)
	for i := range data {
		data[i] = 'x'
	}
	if h.Name != name || h.Super != super || h.Name == "" || h.Super == "" {
		t.Fatalf("header names changed with the class file: %q %q", h.Name, h.Super)
	}
}

// TestPoolRunsMatchEncoding checks the writer's copying of unchanged pool
// entries from the reader's text against encoding every entry anew (the
// same class with the text forgotten), on classes whose pools were changed
// in place here and there and grown at the end.
func TestPoolRunsMatchEncoding(t *testing.T) {
	classes := []corpusClass{{name: "tiny", data: tiny(t)}}
	if !testing.Short() {
		classes = append(classes, jdkClasses(t, "java.base")...)
	}
	rng := rand.New(rand.NewSource(7))
	for n, cc := range classes {
		c, err := Parse(cc.data)
		if err != nil {
			t.Fatalf("%s: %v", cc.name, err)
		}
		if n%2 == 1 { // half unchanged, half changed
			e := c.Pool.Entries
			for k := 0; k < 4; k++ {
				i := 1 + rng.Intn(len(e)-1)
				switch x := &e[i]; x.Tag {
				case TagUtf8:
					x.Str += "x"
				case TagInteger, TagFloat:
					x.U64 = uint64(uint32(x.U64) + 1)
				case TagLong, TagDouble:
					x.U64 ^= 1 << 40
				case TagClass, TagString, TagMethodType, TagModule, TagPackage, TagMethodHandle:
					x.A = e[1+rng.Intn(len(e)-1)].A
				default:
					x.A, x.B = x.B, x.A
				}
			}
			if _, err := c.Pool.AddUtf8("appended"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := c.Write()
		if err != nil {
			t.Fatalf("%s: %v", cc.name, err)
		}
		fresh := *c
		fresh.Pool.text, fresh.Pool.starts = "", nil
		want, err := fresh.Write()
		if err != nil {
			t.Fatalf("%s: %v", cc.name, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: pool copied in runs differs from the pool encoded anew", cc.name)
		}
		if n%2 == 0 && !bytes.Equal(got, cc.data) {
			t.Fatalf("%s: unchanged class written back differently", cc.name)
		}
	}
}

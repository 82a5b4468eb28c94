package classfile

import (
	"testing"
)

// poolBounds walks a parsed class's entries to find where its first Utf8
// entry starts and where the pool ends in the file: an account of the
// pool's layout independent of poolEnd.
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

// TestPoolTextIsThePool checks that the copy the reader cuts Utf8 texts
// from is the pool from its first Utf8 entry on, and nothing after: every
// class's bytes past the pool (code, tables) are not copied.
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
		if c.Pool.text != string(data[first:end]) {
			t.Fatalf("%s: text is %d bytes, want the %d of the pool at %d..%d", name, len(c.Pool.text), end-first, first, end)
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

// TestPoolEndMalformed checks that poolEnd stops at the end of the input
// for a pool cut short or with an unknown tag, rather than past it.
func TestPoolEndMalformed(t *testing.T) {
	for _, tc := range []struct {
		b     []byte
		count int
		want  int
	}{
		{[]byte{1, 0, 2, 'a', 'b', 7, 0, 1}, 2, 8},          // Utf8 "ab", Class #1
		{[]byte{1, 0, 9, 'a'}, 1, 4},                        // Utf8 cut short
		{[]byte{1, 0}, 1, 2},                                // Utf8 length cut short
		{[]byte{7, 0, 1, 2, 0, 0}, 2, 6},                    // an unknown tag
		{[]byte{5, 0, 0, 0, 0, 0, 0, 0, 1, 7, 0, 1}, 3, 12}, // a Long takes two slots
		{[]byte{3, 0, 0, 0, 1, 3, 0, 0}, 2, 8},              // an Integer cut short
	} {
		if got := poolEnd(tc.b, 0, tc.count); got != tc.want {
			t.Errorf("poolEnd(% x, %d) = %d, want %d", tc.b, tc.count, got, tc.want)
		}
	}
}

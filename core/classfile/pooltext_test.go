package classfile

import "testing"

// TestChangedUtf8IsEncoded changes Utf8 entries of a parsed class in the
// ways that leave their text inside the bytes the reader cut it from (a
// piece of another entry, another entry's text, a text with NUL, which
// modified UTF-8 writes in two bytes, JVMS §4.4.7), and checks that the
// written class reads back with the new texts: only a text standing where
// it was read may be written as the bytes it was read from.
func TestChangedUtf8IsEncoded(t *testing.T) {
	b := tiny(t)
	find := func(c *Class, s string) int {
		for i, e := range c.Pool.Entries {
			if e.Tag == TagUtf8 && e.Str == s {
				return i
			}
		}
		t.Fatalf("no Utf8 %q", s)
		return 0
	}
	for _, tc := range []struct {
		name   string
		change func(c *Class) (int, string)
	}{
		{"a piece of another entry", func(c *Class) (int, string) {
			obj := c.Pool.Entries[find(c, "java/lang/Object")].Str
			return find(c, "T.java"), obj[5:9]
		}},
		{"the head of another entry", func(c *Class) (int, string) {
			obj := c.Pool.Entries[find(c, "java/lang/Object")].Str
			return find(c, "T.java"), obj[:4]
		}},
		{"the tail of another entry", func(c *Class) (int, string) {
			obj := c.Pool.Entries[find(c, "java/lang/Object")].Str
			return find(c, "FIVE"), obj[10:]
		}},
		{"another entry's text", func(c *Class) (int, string) {
			return find(c, "T.java"), c.Pool.Entries[find(c, "<init>")].Str
		}},
		{"a text with NUL", func(c *Class) (int, string) {
			return find(c, "T.java"), "T\x00.java"
		}},
		{"a text beyond the BMP", func(c *Class) (int, string) {
			return find(c, "T.java"), "T\U0001F600.java"
		}},
	} {
		c, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		i, want := tc.change(c)
		old := c.Pool.Entries[i].Str
		c.Pool.Entries[i].Str = want
		out, err := c.Write()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := back.Pool.Entries[i].Str; got != want {
			t.Errorf("%s: entry %d reads back %q, want %q", tc.name, i, got, want)
		}
		if n := len(b) - len(old) + len(appendMUTF8(nil, want)); len(out) != n {
			t.Errorf("%s: %d bytes written, want %d", tc.name, len(out), n)
		}
	}
}

package classfile

import (
	"bytes"
	"sort"
	"testing"
)

// FuzzParse feeds the reader mutated real classes. It must never panic,
// whatever it accepts must be written back byte-identical, and the format
// checker must give a verdict on it without panicking.
func FuzzParse(f *testing.F) {
	classes := jdkClasses(f, "java.base")
	// Small classes mutate into interesting shapes faster; take a spread of
	// the smallest few hundred.
	sort.Slice(classes, func(i, j int) bool { return len(classes[i].data) < len(classes[j].data) })
	for i := 0; i < len(classes) && i < 3000; i += 60 {
		f.Add(classes[i].data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			if _, ok := err.(*FormatError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		Check(c)
		out, err := c.Write()
		if err != nil {
			t.Fatalf("accepted class does not write: %v", err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("accepted class written back differently (%d vs %d bytes)", len(out), len(data))
		}
	})
}

package bytecode_test

import (
	"testing"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// frameOffsets lists the offsets of code's StackMapTable frames (JVMS
// §4.7.4: each delta counts from the frame before, plus one).
func frameOffsets(code *classfile.Code) []int {
	var out []int
	for _, at := range code.Attributes {
		if t, ok := at.(*classfile.StackMapTable); ok {
			off := -1
			for _, f := range t.Frames {
				off += int(f.OffsetDelta) + 1
				out = append(out, off)
			}
		}
	}
	return out
}

// TestFramePlacesJDK recomputes the frames of java.base and checks each
// against where javac put its frames: a frame wherever the type checker
// needs one (branch targets, handlers, after an instruction that does not
// fall through) and nowhere else, so not after a conditional branch that
// nothing else jumps past. javac marks a few loop heads that nothing jumps
// to (a loop whose body always leaves); those alone may lack our frame.
func TestFramePlacesJDK(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	h := classpath.NewHierarchy(jdk)
	javac, ours, elsewhere, without := 0, 0, 0, 0
	err = jdk.Module("java.base").Walk(func(name string, data []byte) error {
		c, err := classfile.Parse(data)
		if err != nil {
			return err
		}
		fc := bytecode.NewFrameComputer(c, h)
		for _, m := range c.Methods {
			code := m.Code()
			if code == nil {
				continue
			}
			theirs := map[int]bool{}
			for _, off := range frameOffsets(code) {
				theirs[off] = true
			}
			javac += len(theirs)
			if _, err := fc.Compute(m); err != nil {
				t.Errorf("%s.%s: %v", c.Name(), c.MemberName(m), err)
				continue
			}
			for _, off := range frameOffsets(code) {
				ours++
				if !theirs[off] {
					elsewhere++
					if elsewhere <= 10 {
						t.Errorf("%s.%s%s: a frame at %d, where javac has none", c.Name(), c.MemberName(m), c.MemberDesc(m), off)
					}
				}
				delete(theirs, off)
			}
			without += len(theirs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("java.base: javac's frames %d, ours %d, %d of ours where javac has none, %d of javac's without ours", javac, ours, elsewhere, without)
	if without > javac/1000 {
		t.Errorf("%d of javac's %d frames have none of ours: more than the loop heads nothing jumps to", without, javac)
	}
}

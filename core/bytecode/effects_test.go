package bytecode

import (
	"strings"
	"testing"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
)

// straightMaxima runs frame computation's set-up over m and, when m is
// straight-line code, returns the max values the stack effects give (ok
// false where they do not tell), what the machine finds executing it, and
// the max_stack the class file declares.
func straightMaxima(t *testing.T, c *classfile.Class, m *classfile.Member) (single, ok bool, sums, machine [2]int, declared int) {
	t.Helper()
	code := m.Code()
	d := &frameDomain{lat: NewLattice(objectOnly{}), lenient: true}
	a := &analyzer{c: c, m: m, code: code, d: d, lat: d.lat, s: new(scratch), gen: 1, out: &outSlabs{}}
	d.a = a
	insns, err := Decode(code.Code)
	if err != nil {
		t.Fatalf("%s.%s: %v", c.Name(), c.MemberName(m), err)
	}
	a.insns = insns
	a.at = offsetIndex(nil).reset(insns, len(code.Code))
	init, err := a.initialFrame()
	if err != nil {
		t.Fatalf("%s.%s: %v", c.Name(), c.MemberName(m), err)
	}
	if !a.straightLine() {
		return false, false, sums, machine, 0
	}
	ms, ml, ok := a.maxStraight(len(init.locals))
	a.maxLocals = len(init.locals)
	for i := range a.insns {
		if _, err := a.execute(&a.insns[i], init); err != nil {
			t.Fatalf("%s.%s: %v", c.Name(), c.MemberName(m), err)
		}
	}
	return true, ok, [2]int{ms, ml}, [2]int{a.maxStack, a.maxLocals}, int(code.MaxStack)
}

// TestMaxStraightJDK checks, on every straight-line method of java.base,
// that the stack effects give the max_stack javac wrote into the JDK's
// class files and the max values the opcode machine finds, and reports how
// many methods are straight-line (those frame computation answers without
// flow analysis).
func TestMaxStraightJDK(t *testing.T) {
	jdk, err := classpath.OpenJDK("")
	if err != nil {
		t.Skip(err)
	}
	defer jdk.Close()
	methods, single, fallback, javacDiffers := 0, 0, 0, 0
	err = jdk.Module("java.base").Walk(func(name string, data []byte) error {
		c, err := classfile.Parse(data)
		if err != nil {
			return err
		}
		for _, m := range c.Methods {
			if m.Code() == nil {
				continue
			}
			methods++
			one, ok, sums, machine, declared := straightMaxima(t, c, m)
			if !one {
				continue
			}
			single++
			if !ok {
				fallback++
				continue
			}
			if sums != machine {
				t.Errorf("%s.%s%s: stack effects give max_stack, max_locals %v, the machine %v", c.Name(), c.MemberName(m), c.MemberDesc(m), sums, machine)
			}
			if sums[0] != declared {
				javacDiffers++
				if javacDiffers <= 10 {
					t.Errorf("%s.%s%s: max_stack %d, the class file says %d", c.Name(), c.MemberName(m), c.MemberDesc(m), sums[0], declared)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("java.base: %d methods with code, %d straight-line (%.1f%%), %d of those left to the machine, %d with another max_stack than javac's",
		methods, single, 100*float64(single)/float64(methods), fallback, javacDiffers)
	if single == 0 {
		t.Error("no straight-line method found")
	}
}

// TestMaxStraightFallsBack checks that straight-line code the stack
// effects cannot account for is left to the machine, which reports it.
func TestMaxStraightFallsBack(t *testing.T) {
	// The pool fuzzClass makes: the index of its first entry of a tag.
	c0, _ := fuzzClass(nil, false)
	first := func(tag classfile.Tag) byte {
		for i := 1; i < len(c0.Pool.Entries); i++ {
			if c0.Pool.Entries[i].Tag == tag {
				return byte(i)
			}
		}
		t.Fatalf("no %v in fuzzClass's pool", tag)
		return 0
	}
	fieldref, methodref := first(classfile.TagFieldref), first(classfile.TagMethodref)
	for _, tc := range []struct {
		name string
		code []byte
		want string
	}{
		{"underflow", []byte{byte(Pop), byte(Return)}, "stack underflow"},
		{"dup_x2 on two slots", []byte{byte(Iconst0), byte(Iconst1), byte(DupX2), byte(Return)}, "stack underflow"},
		{"ldc of a Fieldref", []byte{byte(Ldc), fieldref, byte(Return)}, "not loadable"},
		{"invoke past the stack", []byte{byte(Invokestatic), 0, methodref, byte(Return)}, "stack underflow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, m := fuzzClass(tc.code, false)
			_, err := ComputeFrames(c, m, objectOnly{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

package classfile_test

import (
	"fmt"
	"testing"

	"dvmlab/core/classfile"
)

// Access flags of classes, inner classes, fields and methods, each a rule
// of JVMS §4.1, §4.5, §4.6 or §4.7.6 as HotSpot applies it by version. The
// matrix test (hotspot_test.go) holds Check to HotSpot on them.

type flagVariant struct {
	what  string
	build func(t testing.TB, c *classfile.Class)
}

const (
	accPublic       = classfile.AccPublic
	accPrivate      = classfile.AccPrivate
	accProtected    = classfile.AccProtected
	accStatic       = classfile.AccStatic
	accFinal        = classfile.AccFinal
	accSuper        = classfile.AccSuper
	accSynchronized = classfile.AccSynchronized
	accVolatile     = classfile.AccVolatile
	accBridge       = classfile.AccBridge
	accNative       = classfile.AccNative
	accInterface    = classfile.AccInterface
	accAbstract     = classfile.AccAbstract
	accStrict       = classfile.AccStrict
	accAnnotation   = classfile.AccAnnotation
	accEnum         = classfile.AccEnum
)

func mustT(t testing.TB) func(uint16, error) uint16 {
	return func(i uint16, err error) uint16 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
}

// classFlags sets the class's flags; an interface loses its constructor.
func classFlags(a classfile.AccessFlags) func(testing.TB, *classfile.Class) {
	return func(t testing.TB, c *classfile.Class) {
		c.Access = a
		if a&accInterface != 0 {
			c.Methods = nil
		}
	}
}

// field adds field f with flags a, in an interface when iface.
func field(a classfile.AccessFlags, iface bool) func(testing.TB, *classfile.Class) {
	return func(t testing.TB, c *classfile.Class) {
		must := mustT(t)
		if iface {
			classFlags(accPublic|accInterface|accAbstract)(t, c)
		}
		c.Fields = append(c.Fields, &classfile.Member{Access: a, NameIndex: must(c.Pool.AddUtf8("f")), DescIndex: must(c.Pool.AddUtf8("I"))})
	}
}

// method adds method name()V with flags a, with code unless abstract or
// native, in an interface when iface.
func method(name string, a classfile.AccessFlags, iface bool) func(testing.TB, *classfile.Class) {
	return func(t testing.TB, c *classfile.Class) {
		must := mustT(t)
		if iface {
			classFlags(accPublic|accInterface|accAbstract)(t, c)
		}
		m := &classfile.Member{Access: a, NameIndex: must(c.Pool.AddUtf8(name)), DescIndex: must(c.Pool.AddUtf8("()V"))}
		if a&(accAbstract|accNative) == 0 {
			code := []byte{0xb1}
			if name == "<init>" {
				init := must(c.Pool.AddMethodref("java/lang/Object", "<init>", "()V"))
				code = []byte{0x2a, 0xb7, byte(init >> 8), byte(init), 0xb1}
			}
			m.Attributes = []classfile.Attribute{&classfile.Code{MaxStack: 1, MaxLocals: 1, Code: code}}
		}
		if name == "<init>" {
			c.Methods = nil
		}
		c.Methods = append(c.Methods, m)
	}
}

// inner adds an InnerClasses attribute with the given entries.
func inner(entries func(c *classfile.Class, must func(uint16, error) uint16) []classfile.InnerClass) func(testing.TB, *classfile.Class) {
	return func(t testing.TB, c *classfile.Class) {
		must := mustT(t)
		c.Attributes = append(c.Attributes, &classfile.InnerClasses{Classes: entries(c, must)})
	}
}

var flagVariants = []flagVariant{
	{"class public super", classFlags(accPublic | accSuper)},
	{"class with an unknown bit", classFlags(accPublic | accSuper | 0x0100)},
	{"interface without abstract", classFlags(accPublic | accInterface)},
	{"interface with super", classFlags(accPublic | accInterface | accAbstract | accSuper)},
	{"interface with enum", classFlags(accPublic | accInterface | accAbstract | accEnum)},
	{"annotation interface", classFlags(accPublic | accInterface | accAbstract | accAnnotation)},
	{"annotation without interface", classFlags(accPublic | accSuper | accAnnotation)},
	{"final abstract class", classFlags(accPublic | accSuper | accFinal | accAbstract)},
	{"final interface", classFlags(accPublic | accInterface | accAbstract | accFinal)},
	{"field public private", field(accPublic|accPrivate, false)},
	{"field private protected", field(accPrivate|accProtected, false)},
	{"field final volatile", field(accFinal|accVolatile, false)},
	{"interface field public static final", field(accPublic|accStatic|accFinal, true)},
	{"interface field not static", field(accPublic|accFinal, true)},
	{"interface field private", field(accPrivate|accStatic|accFinal, true)},
	{"interface field enum", field(accPublic|accStatic|accFinal|accEnum, true)},
	{"method abstract final", method("m", accPublic|accAbstract|accFinal, false)},
	{"method abstract private", method("m", accPrivate|accAbstract, false)},
	{"method abstract static", method("m", accStatic|accAbstract, false)},
	{"method abstract synchronized", method("m", accPublic|accAbstract|accSynchronized, false)},
	{"method abstract strict", method("m", accPublic|accAbstract|accStrict, false)},
	{"method abstract native", method("m", accPublic|accAbstract|accNative, false)},
	{"method public private", method("m", accPublic|accPrivate, false)},
	{"constructor static", method("<init>", accPublic|accStatic, false)},
	{"constructor bridge", method("<init>", accPublic|accBridge, false)},
	{"constructor synchronized", method("<init>", accPublic|accSynchronized, false)},
	{"interface method public abstract", method("m", accPublic|accAbstract, true)},
	{"interface method default", method("m", accPublic, true)},
	{"interface method private", method("m", accPrivate, true)},
	{"interface method static", method("m", accPublic|accStatic, true)},
	{"interface method protected abstract", method("m", accProtected|accAbstract, true)},
	{"interface method abstract strict", method("m", accPublic|accAbstract|accStrict, true)},
	{"interface method synchronized", method("m", accPublic|accSynchronized, true)},
	{"inner interface without abstract", inner(func(c *classfile.Class, must func(uint16, error) uint16) []classfile.InnerClass {
		return []classfile.InnerClass{{Inner: must(c.Pool.AddClass("X$I")), Outer: c.This, InnerName: must(c.Pool.AddUtf8("I")), Access: accPublic | accStatic | accInterface}}
	})},
	{"inner final abstract", inner(func(c *classfile.Class, must func(uint16, error) uint16) []classfile.InnerClass {
		return []classfile.InnerClass{{Inner: must(c.Pool.AddClass("X$I")), Outer: c.This, Access: accFinal | accAbstract}}
	})},
	{"inner private protected static", inner(func(c *classfile.Class, must func(uint16, error) uint16) []classfile.InnerClass {
		return []classfile.InnerClass{{Inner: must(c.Pool.AddClass("X$I")), Outer: c.This, Access: accPrivate | accProtected | accStatic}}
	})},
	{"inner class its own outer", inner(func(c *classfile.Class, must func(uint16, error) uint16) []classfile.InnerClass {
		return []classfile.InnerClass{{Inner: c.This, Outer: c.This}}
	})},
	{"inner entry twice", inner(func(c *classfile.Class, must func(uint16, error) uint16) []classfile.InnerClass {
		e := classfile.InnerClass{Inner: must(c.Pool.AddClass("X$I")), Outer: c.This, Access: accStatic}
		return []classfile.InnerClass{e, e}
	})},
	{"inner class of an array", inner(func(c *classfile.Class, must func(uint16, error) uint16) []classfile.InnerClass {
		return []classfile.InnerClass{{Inner: must(c.Pool.AddClass("X$I")), Outer: must(c.Pool.AddClass("[LX;"))}}
	})},
}

var flagVersions = []uint16{45, 48, 49, 50, 51, 52, 60, 61}

func flagClasses(t testing.TB) []matrixClass {
	var out []matrixClass
	for _, ver := range flagVersions {
		for i, v := range flagVariants {
			name := fmt.Sprintf("V%dF%d", ver, i)
			c := base(t, name, ver)
			v.build(t, c)
			b, err := c.Write()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, matrixClass{file: name + ".class", what: fmt.Sprintf("version %d, %s", ver, v.what), data: b})
		}
	}
	return out
}

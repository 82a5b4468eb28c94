// Package classfile models, reads and writes Java class files as defined by
// the Java Virtual Machine Specification, Java SE 17 Edition, chapter 4
// (https://docs.oracle.com/javase/specs/jvms/se17/html/jvms-4.html).
//
// The model keeps constant-pool indices as they are in the file, so that a
// class read and written back without change is byte-identical, and a class
// that was changed keeps every existing pool entry at its index and appends
// what is new.
//
// Parse reads an attribute only where and from the version on which the JVM
// reads it (rules.go), and keeps any other, or one whose contents do not
// decode, as a RawAttribute: every class whose structure holds is read and
// written back. Whether the JVM would load it is Check's to say: the format
// checks HotSpot 17 applies to a class it verifies (check.go), and
// CheckStackMap for the StackMapTable its verifier reads.
//
// One file per part of the format, its model, reading and writing side by
// side: constpool.go, attributes.go, code.go, stackmap.go, annotations.go,
// module.go; descriptor.go for JVMS §4.3; reader.go and writer.go hold the
// class's own structure.
package classfile

import (
	"slices"
	"strconv"
	"strings"
)

// Magic is the first four bytes of every class file. See JVMS §4.1.
const Magic = 0xCAFEBABE

// Access flags of classes, fields, methods, inner classes, parameters and
// module entries. The same bit means different things in different places.
// See JVMS §4.1 Table 4.1-B, §4.5 Table 4.5-A, §4.6 Table 4.6-A, §4.7.6.
type AccessFlags uint16

const (
	AccPublic       AccessFlags = 0x0001
	AccPrivate      AccessFlags = 0x0002
	AccProtected    AccessFlags = 0x0004
	AccStatic       AccessFlags = 0x0008
	AccFinal        AccessFlags = 0x0010
	AccSuper        AccessFlags = 0x0020 // class
	AccSynchronized AccessFlags = 0x0020 // method
	AccOpen         AccessFlags = 0x0020 // module
	AccTransitive   AccessFlags = 0x0020 // module requires
	AccVolatile     AccessFlags = 0x0040 // field
	AccBridge       AccessFlags = 0x0040 // method
	AccStaticPhase  AccessFlags = 0x0040 // module requires
	AccTransient    AccessFlags = 0x0080 // field
	AccVarargs      AccessFlags = 0x0080 // method
	AccNative       AccessFlags = 0x0100
	AccInterface    AccessFlags = 0x0200
	AccAbstract     AccessFlags = 0x0400
	AccStrict       AccessFlags = 0x0800
	AccSynthetic    AccessFlags = 0x1000
	AccAnnotation   AccessFlags = 0x2000
	AccEnum         AccessFlags = 0x4000
	AccModule       AccessFlags = 0x8000 // class
	AccMandated     AccessFlags = 0x8000 // parameter, module
)

// Has reports whether all bits of f are set.
func (a AccessFlags) Has(f AccessFlags) bool { return a&f == f }

// FlagKind is what an access_flags item belongs to, which names its bits.
type FlagKind uint8

const (
	ClassFlags      FlagKind = iota // JVMS §4.1, Table 4.1-B
	FieldFlags                      // §4.5, Table 4.5-A
	MethodFlags                     // §4.6, Table 4.6-A
	InnerClassFlags                 // §4.7.6, Table 4.7.6-A
	ParameterFlags                  // §4.7.24
	ModuleFlags                     // §4.7.25: module_flags
	RequiresFlags                   // §4.7.25: requires_flags
	ExportsFlags                    // §4.7.25: exports_flags and opens_flags
)

// flagNames[kind][bit] names bit (0 for 0x0001) for kind; "" when it means
// nothing there.
var flagNames = [...][16]string{
	ClassFlags: {0: "ACC_PUBLIC", 4: "ACC_FINAL", 5: "ACC_SUPER", 9: "ACC_INTERFACE", 10: "ACC_ABSTRACT",
		12: "ACC_SYNTHETIC", 13: "ACC_ANNOTATION", 14: "ACC_ENUM", 15: "ACC_MODULE"},
	FieldFlags: {0: "ACC_PUBLIC", 1: "ACC_PRIVATE", 2: "ACC_PROTECTED", 3: "ACC_STATIC", 4: "ACC_FINAL",
		6: "ACC_VOLATILE", 7: "ACC_TRANSIENT", 12: "ACC_SYNTHETIC", 14: "ACC_ENUM"},
	MethodFlags: {0: "ACC_PUBLIC", 1: "ACC_PRIVATE", 2: "ACC_PROTECTED", 3: "ACC_STATIC", 4: "ACC_FINAL",
		5: "ACC_SYNCHRONIZED", 6: "ACC_BRIDGE", 7: "ACC_VARARGS", 8: "ACC_NATIVE", 10: "ACC_ABSTRACT",
		11: "ACC_STRICT", 12: "ACC_SYNTHETIC"},
	InnerClassFlags: {0: "ACC_PUBLIC", 1: "ACC_PRIVATE", 2: "ACC_PROTECTED", 3: "ACC_STATIC", 4: "ACC_FINAL",
		9: "ACC_INTERFACE", 10: "ACC_ABSTRACT", 12: "ACC_SYNTHETIC", 13: "ACC_ANNOTATION", 14: "ACC_ENUM"},
	ParameterFlags: {4: "ACC_FINAL", 12: "ACC_SYNTHETIC", 15: "ACC_MANDATED"},
	ModuleFlags:    {5: "ACC_OPEN", 12: "ACC_SYNTHETIC", 15: "ACC_MANDATED"},
	RequiresFlags:  {5: "ACC_TRANSITIVE", 6: "ACC_STATIC_PHASE", 12: "ACC_SYNTHETIC", 15: "ACC_MANDATED"},
	ExportsFlags:   {12: "ACC_SYNTHETIC", 15: "ACC_MANDATED"},
}

// Names returns the names of the flags set in a, as they are named for
// kind, lowest bit first (as javap lists them), then the set bits that mean
// nothing for kind, in hex, highest first.
func (a AccessFlags) Names(kind FlagKind) []string {
	var out []string
	rest := a
	for bit := 0; bit < 16; bit++ {
		if n := flagNames[kind][bit]; n != "" && a&(1<<bit) != 0 {
			out = append(out, n)
			rest &^= 1 << bit
		}
	}
	for bit := 15; bit >= 0; bit-- {
		if rest&(1<<bit) != 0 {
			out = append(out, "0x"+strconv.FormatUint(1<<bit, 16))
		}
	}
	return out
}

// String names the set flags, lowest bit first, joined by '|'. A bit whose
// meaning depends on what the flags belong to (0x0020 is ACC_SUPER for a
// class and ACC_SYNCHRONIZED for a method) shows each of its names, joined
// by '/'; Names gives one kind's.
func (a AccessFlags) String() string {
	if a == 0 {
		return "0"
	}
	var parts []string
	for bit := 0; bit < 16; bit++ {
		if a&(1<<bit) == 0 {
			continue
		}
		var names []string
		for k := range flagNames {
			if n := flagNames[k][bit]; n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			names = []string{"0x" + strconv.FormatUint(1<<bit, 16)}
		}
		parts = append(parts, strings.Join(names, "/"))
	}
	return strings.Join(parts, "|")
}

// Class is one class file. See JVMS §4.1.
type Class struct {
	Minor, Major uint16
	Pool         ConstantPool
	Access       AccessFlags
	This         uint16 // Class entry
	Super        uint16 // Class entry, 0 for java/lang/Object and module-info
	Interfaces   []uint16
	Fields       []*Member
	Methods      []*Member
	Attributes   []Attribute
	// data is the class file Parse read the class from: its texts,
	// code arrays and raw attribute bodies are slices of it.
	data []byte
}

// Member is a field_info or method_info. See JVMS §4.5 and §4.6.
type Member struct {
	Access     AccessFlags
	NameIndex  uint16
	DescIndex  uint16
	Attributes []Attribute
}

// Name returns the class's internal name, e.g. "java/lang/String".
func (c *Class) Name() string { return c.Pool.ClassName(c.This) }

// SuperName returns the superclass's internal name, or "" if there is none.
func (c *Class) SuperName() string { return c.Pool.ClassName(c.Super) }

// InterfaceNames returns the internal names of the direct superinterfaces.
func (c *Class) InterfaceNames() []string {
	out := make([]string, len(c.Interfaces))
	for i, x := range c.Interfaces {
		out[i] = c.Pool.ClassName(x)
	}
	return out
}

// IsInterface reports whether the class is an interface.
func (c *Class) IsInterface() bool { return c.Access.Has(AccInterface) }

// MemberName returns a field's or method's name.
func (c *Class) MemberName(m *Member) string { return c.Pool.Utf8(m.NameIndex) }

// MemberDesc returns a field's or method's descriptor.
func (c *Class) MemberDesc(m *Member) string { return c.Pool.Utf8(m.DescIndex) }

// Method returns the first method with the given name and, if desc is not
// empty, descriptor.
func (c *Class) Method(name, desc string) *Member {
	for _, m := range c.Methods {
		if c.MemberName(m) == name && (desc == "" || c.MemberDesc(m) == desc) {
			return m
		}
	}
	return nil
}

// Field returns the first field with the given name.
func (c *Class) Field(name string) *Member {
	for _, f := range c.Fields {
		if c.MemberName(f) == name {
			return f
		}
	}
	return nil
}

// Code returns the method's Code attribute, or nil if it is abstract or native.
func (m *Member) Code() *Code {
	for _, a := range m.Attributes {
		if c, ok := a.(*Code); ok {
			return c
		}
	}
	return nil
}

// Attr returns the first attribute named name in attrs, or nil.
func Attr(attrs []Attribute, name string) Attribute {
	for _, a := range attrs {
		if a.Name() == name {
			return a
		}
	}
	return nil
}

// BinaryName turns an internal name (a/b/C) into a binary name (a.b.C).
func BinaryName(internal string) string { return strings.ReplaceAll(internal, "/", ".") }

// InternalName turns a binary name (a.b.C) into an internal name (a/b/C).
func InternalName(binary string) string { return strings.ReplaceAll(binary, ".", "/") }

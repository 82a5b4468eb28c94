// Package classfile models, reads and writes Java class files as defined by
// the Java Virtual Machine Specification, Java SE 17 Edition, chapter 4
// (https://docs.oracle.com/javase/specs/jvms/se17/html/jvms-4.html).
//
// The model keeps constant-pool indices as they are in the file, so that a
// class read and written back without change is byte-identical, and a class
// that was changed keeps every existing pool entry at its index and appends
// what is new.
package classfile

import "strings"

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

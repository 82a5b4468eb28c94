package service

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"

	"dvmlab/core/classfile"
)

// Java's java.lang.reflect.Modifier bits that the default serialVersionUID
// hashes (they are the class file's access flags).
const (
	modPublic       = 0x0001
	modPrivate      = 0x0002
	modProtected    = 0x0004
	modStatic       = 0x0008
	modFinal        = 0x0010
	modSynchronized = 0x0020
	modVolatile     = 0x0040
	modTransient    = 0x0080
	modNative       = 0x0100
	modInterface    = 0x0200
	modAbstract     = 0x0400
	modStrict       = 0x0800
)

// DefaultSerialVersionUID computes the serialVersionUID a JVM gives a
// Serializable class that declares none: the first eight bytes of the SHA-1
// of its name, modifiers, interfaces, fields, static initializer,
// constructors and methods. See the Java Object Serialization
// Specification §4.6 (ObjectStreamClass.computeDefaultSUID).
func DefaultSerialVersionUID(c *classfile.Class) int64 {
	var b []byte
	utf := func(s string) {
		m := modifiedUTF8(s)
		b = binary.BigEndian.AppendUint16(b, uint16(len(m)))
		b = append(b, m...)
	}
	i32 := func(v int) { b = binary.BigEndian.AppendUint32(b, uint32(v)) }

	utf(strings.ReplaceAll(c.Name(), "/", "."))
	// Class.getModifiers: a member class's flags are those of its
	// InnerClasses entry (JVMS §4.7.6), not the top-level access_flags.
	classMods := int(c.Access)
	if ic, ok := classfile.Attr(c.Attributes, classfile.AttrInnerClasses).(*classfile.InnerClasses); ok {
		for _, e := range ic.Classes {
			if e.Inner != 0 && c.Pool.ClassName(e.Inner) == c.Name() {
				classMods = int(e.Access)
				break
			}
		}
	}
	classMods &= modPublic | modFinal | modInterface | modAbstract
	type member struct {
		name, desc string
		mods       int
	}
	var methods, ctors []member
	hasClinit := false
	for _, m := range c.Methods {
		name, desc := c.MemberName(m), c.MemberDesc(m)
		mods := int(m.Access) & (modPublic | modPrivate | modProtected | modStatic | modFinal | modSynchronized | modNative | modAbstract | modStrict)
		switch name {
		case "<clinit>":
			hasClinit = true
		case "<init>":
			ctors = append(ctors, member{name, desc, mods})
		default:
			methods = append(methods, member{name, desc, mods})
		}
	}
	if classMods&modInterface != 0 {
		if len(methods) > 0 {
			classMods |= modAbstract
		} else {
			classMods &^= modAbstract
		}
	}
	i32(classMods)
	ifaces := c.InterfaceNames()
	sort.Strings(ifaces)
	for _, n := range ifaces {
		utf(strings.ReplaceAll(n, "/", "."))
	}
	var fields []member
	for _, f := range c.Fields {
		fields = append(fields, member{c.MemberName(f), c.MemberDesc(f),
			int(f.Access) & (modPublic | modPrivate | modProtected | modStatic | modFinal | modVolatile | modTransient)})
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	for _, f := range fields {
		if f.mods&modPrivate == 0 || f.mods&(modStatic|modTransient) == 0 {
			utf(f.name)
			i32(f.mods)
			utf(f.desc)
		}
	}
	if hasClinit {
		utf("<clinit>")
		i32(modStatic)
		utf("()V")
	}
	sort.SliceStable(ctors, func(i, j int) bool { return ctors[i].desc < ctors[j].desc })
	for _, m := range ctors {
		if m.mods&modPrivate == 0 {
			utf("<init>")
			i32(m.mods)
			utf(strings.ReplaceAll(m.desc, "/", "."))
		}
	}
	sort.SliceStable(methods, func(i, j int) bool {
		if methods[i].name != methods[j].name {
			return methods[i].name < methods[j].name
		}
		return methods[i].desc < methods[j].desc
	})
	for _, m := range methods {
		if m.mods&modPrivate == 0 {
			utf(m.name)
			i32(m.mods)
			utf(strings.ReplaceAll(m.desc, "/", "."))
		}
	}
	sum := sha1.Sum(b)
	var h int64
	for i := 7; i >= 0; i-- {
		h = h<<8 | int64(sum[i])
	}
	return h
}

// modifiedUTF8 encodes s as DataOutput.writeUTF does (JVMS §4.4.7): NUL in
// two bytes, supplementary characters as two three-byte surrogates.
func modifiedUTF8(s string) []byte {
	var out []byte
	for _, r := range s {
		units := []uint16{uint16(r)}
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			units = []uint16{uint16(r1), uint16(r2)}
		}
		for _, u := range units {
			switch {
			case u >= 1 && u <= 0x7f:
				out = append(out, byte(u))
			case u <= 0x7ff:
				out = append(out, 0xc0|byte(u>>6), 0x80|byte(u&0x3f))
			default:
				out = append(out, 0xe0|byte(u>>12), 0x80|byte(u>>6&0x3f), 0x80|byte(u&0x3f))
			}
		}
	}
	return out
}

// serialShape is what the default serialVersionUID of c is computed from:
// its access, interfaces and every member's access, name and descriptor.
func serialShape(c *classfile.Class) string {
	b := binary.BigEndian.AppendUint16(nil, uint16(c.Access))
	for _, i := range c.Interfaces {
		b = binary.BigEndian.AppendUint16(b, i)
	}
	for _, ms := range [][]*classfile.Member{c.Fields, c.Methods} {
		b = append(b, '|')
		for _, m := range ms {
			// Pool indices name a member as well as its strings do: the
			// pool only grows while services run.
			b = binary.BigEndian.AppendUint16(b, uint16(m.Access))
			b = binary.BigEndian.AppendUint16(b, m.NameIndex)
			b = binary.BigEndian.AppendUint16(b, m.DescIndex)
		}
	}
	return string(b)
}

// keepSerialVersionUID gives a Serializable class that declares no
// serialVersionUID the one the JVM computed for the original (orig, the
// class's bytes before the services) when the services changed what its
// default is computed from (a method, a field, a static initializer added):
// otherwise objects serialized by the original program no longer
// deserialize. Enums and records ignore the default. It returns a note
// saying so, or "".
func keepSerialVersionUID(h any, orig []byte, c *classfile.Class) (string, error) {
	if c.IsInterface() || c.SuperName() == "java/lang/Enum" || c.SuperName() == "java/lang/Record" {
		return "", nil
	}
	for _, f := range c.Fields {
		if c.MemberName(f) == "serialVersionUID" {
			return "", nil
		}
	}
	if !serializable(h, c) {
		return "", nil
	}
	o, err := classfile.Parse(orig)
	if err != nil {
		return "", err
	}
	want := DefaultSerialVersionUID(o)
	if DefaultSerialVersionUID(c) == want {
		return "", nil
	}
	p := &c.Pool
	name, err := p.AddUtf8("serialVersionUID")
	if err != nil {
		return "", err
	}
	desc, err := p.AddUtf8("J")
	if err != nil {
		return "", err
	}
	v, err := p.AddLong(want)
	if err != nil {
		return "", err
	}
	if _, err := p.AddUtf8(classfile.AttrConstantValue); err != nil {
		return "", err
	}
	c.Fields = append(c.Fields, &classfile.Member{Access: classfile.AccPrivate | classfile.AccStatic | classfile.AccFinal,
		NameIndex: name, DescIndex: desc, Attributes: []classfile.Attribute{&classfile.ConstantValue{ValueIndex: v}}})
	return fmt.Sprintf("serialVersionUID %dL declared: the services changed the members the JVM computes it from", want), nil
}

// serializable reports whether c implements java.io.Serializable, directly
// or through its supertypes when the hierarchy can tell.
func serializable(h any, c *classfile.Class) bool {
	type assignable interface {
		IsAssignable(to, from string) (bool, error)
	}
	a, _ := h.(assignable)
	for _, n := range append(c.InterfaceNames(), c.SuperName()) {
		if n == "java/io/Serializable" || n == "java/io/Externalizable" {
			return true
		}
		if a != nil && n != "" && n != "java/lang/Object" {
			if ok, err := a.IsAssignable("java/io/Serializable", n); err == nil && ok {
				return true
			}
		}
	}
	return false
}

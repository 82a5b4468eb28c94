package classfile_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"dvmlab/core/classfile"
)

// Constant-pool entries that no code uses, each one name or descriptor
// rule of JVMS §4.2-§4.4 as HotSpot's format checker applies it, by
// version. The matrix test (hotspot_test.go) holds Check to HotSpot on them.

// poolEntry adds one entry to p and returns a description of it.
type poolEntry func(p *classfile.ConstantPool) (string, error)

func classEntry(name string) poolEntry {
	return func(p *classfile.ConstantPool) (string, error) {
		_, err := p.AddClass(name)
		return fmt.Sprintf("Class %q", name), err
	}
}

func natEntry(name, desc string) poolEntry {
	return func(p *classfile.ConstantPool) (string, error) {
		_, err := p.AddNameAndType(name, desc)
		return fmt.Sprintf("NameAndType %q %q", name, desc), err
	}
}

func refEntry(tag classfile.Tag, owner, name, desc string) poolEntry {
	return func(p *classfile.ConstantPool) (string, error) {
		_, err := p.AddMemberRef(tag, owner, name, desc)
		return fmt.Sprintf("%s %s.%s:%s", tag, owner, name, desc), err
	}
}

func handleEntry(kind uint8, tag classfile.Tag, owner, name, desc string) poolEntry {
	return func(p *classfile.ConstantPool) (string, error) {
		ref, err := p.AddMemberRef(tag, owner, name, desc)
		if err != nil {
			return "", err
		}
		_, err = p.Add(classfile.Constant{Tag: classfile.TagMethodHandle, Kind: kind, A: ref})
		return fmt.Sprintf("MethodHandle %s %s %s.%s:%s", classfile.RefKindName(kind), tag, owner, name, desc), err
	}
}

func methodTypeEntry(desc string) poolEntry {
	return func(p *classfile.ConstantPool) (string, error) {
		_, err := p.AddMethodType(desc)
		return fmt.Sprintf("MethodType %q", desc), err
	}
}

var poolEntries = []poolEntry{
	classEntry("Ljava/lang/Object;"), classEntry("[I"), classEntry("[[Ljava/lang/String;"), classEntry("[V"),
	classEntry("["), classEntry("[L;"), classEntry("[La/b"), classEntry("a//b"), classEntry("/a"), classEntry("a/"),
	classEntry("a.b"), classEntry("a;b"), classEntry("a[b"), classEntry("<init>"), classEntry("1abc"), classEntry("a-b"),
	classEntry("caf\u00e9"), classEntry("\u00e9t\u00e9/\u00e0"), classEntry(strings.Repeat("[", 255) + "I"),
	classEntry(strings.Repeat("[", 256) + "I"), classEntry("a/1b"), classEntry("a$b/c_d"),
	natEntry("a.b", "I"), natEntry("<init>", "I"), natEntry("<x>", "I"), natEntry("a-b", "I"), natEntry("1a", "I"),
	natEntry("<foo>", "()V"), natEntry("<init>", "()I"), natEntry("<clinit>", "(I)V"), natEntry("<clinit>", "()V"),
	natEntry("m", "(V)V"), natEntry("m", "()"), natEntry("m", "(I"), natEntry("m", "()[V"), natEntry("m", "(II)J"),
	natEntry("f", "Ljava/lang/Object"), natEntry("f", "L;"), natEntry("f", "La//b;"), natEntry("f", "La.b;"), natEntry("f", "II"),
	natEntry("f", "V"), natEntry("m-n", "()V"), natEntry("m", "(La-b;)V"),
	refEntry(classfile.TagFieldref, "java/lang/Object", "f", "()V"), refEntry(classfile.TagMethodref, "java/lang/Object", "m", "I"),
	refEntry(classfile.TagMethodref, "java/lang/Object", "<clinit>", "()V"),
	refEntry(classfile.TagInterfaceMethodref, "java/lang/Runnable", "<clinit>", "()V"),
	refEntry(classfile.TagInterfaceMethodref, "java/lang/Runnable", "<init>", "()V"),
	refEntry(classfile.TagMethodref, "[I", "clone", "()Ljava/lang/Object;"),
	handleEntry(classfile.RefInvokeVirtual, classfile.TagMethodref, "java/lang/Object", "<init>", "()V"),
	handleEntry(classfile.RefNewInvokeSpecial, classfile.TagMethodref, "java/lang/Object", "hashCode", "()I"),
	handleEntry(classfile.RefNewInvokeSpecial, classfile.TagMethodref, "java/lang/Object", "<init>", "()V"),
	handleEntry(classfile.RefInvokeStatic, classfile.TagInterfaceMethodref, "java/util/List", "of", "()Ljava/util/List;"),
	handleEntry(classfile.RefInvokeSpecial, classfile.TagInterfaceMethodref, "java/util/List", "size", "()I"),
	handleEntry(classfile.RefInvokeInterface, classfile.TagInterfaceMethodref, "java/util/List", "<init>", "()V"),
	handleEntry(classfile.RefInvokeStatic, classfile.TagMethodref, "java/lang/Object", "<init>", "()V"),
	methodTypeEntry("(I)V"), methodTypeEntry("I"), methodTypeEntry("()"), methodTypeEntry("(Ljava/lang/Object;)[[J"),
}

// utf8Patches are Utf8 entries whose bytes no encoder writes: the entry is
// added with placeholder text and its bytes replaced in the written class.
var utf8Patches = []struct {
	what  string
	bytes []byte
}{
	{"a NUL byte", []byte{'a', 0, 'b'}},
	{"an overlong A", []byte{0xC1, 0x81}},
	{"an overlong NUL", []byte{0xC0, 0x80}},
	{"an overlong 3-byte form", []byte{0xE0, 0x81, 0x81}},
	{"a stray continuation byte", []byte{'a', 0x80}},
	{"a 4-byte UTF-8 form", []byte{0xF0, 0x9F, 0x98, 0x80}},
	{"a lone surrogate", []byte{0xED, 0xA0, 0x80}},
	{"a surrogate pair", []byte{0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}},
	{"a cut-off 2-byte form", []byte{'a', 0xC3}},
}

var poolVersions = []uint16{45, 47, 48, 49, 51, 52, 61}

func buildPool(t testing.TB, name string, major uint16, add poolEntry) ([]byte, string) {
	t.Helper()
	c := base(t, name, major)
	what, err := add(&c.Pool)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	return b, what
}

func buildUtf8(t testing.TB, name string, major uint16, raw []byte) []byte {
	t.Helper()
	c := base(t, name, major)
	ph := strings.Repeat("Q", len(raw))
	if _, err := c.Pool.AddUtf8(ph); err != nil {
		t.Fatal(err)
	}
	b, err := c.Write()
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, append([]byte{1, 0, byte(len(raw))}, ph...))
	if i < 0 {
		t.Fatal("placeholder not found")
	}
	copy(b[i+3:], raw)
	return b
}

// base is a class with a constructor and nothing else.
func base(t testing.TB, name string, major uint16) *classfile.Class {
	t.Helper()
	c := &classfile.Class{Major: major, Access: classfile.AccPublic | classfile.AccSuper}
	if major == 45 {
		c.Minor = 3
	}
	p := &c.Pool
	must := func(i uint16, err error) uint16 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	c.This = must(p.AddClass(name))
	c.Super = must(p.AddClass("java/lang/Object"))
	init := must(p.AddMethodref("java/lang/Object", "<init>", "()V"))
	c.Methods = []*classfile.Member{{Access: classfile.AccPublic, NameIndex: must(p.AddUtf8("<init>")), DescIndex: must(p.AddUtf8("()V")),
		Attributes: []classfile.Attribute{&classfile.Code{MaxStack: 1, MaxLocals: 1, Code: []byte{0x2a, 0xb7, byte(init >> 8), byte(init), 0xb1}}}}}
	return c
}

func poolClasses(t testing.TB) []matrixClass {
	var out []matrixClass
	for _, ver := range poolVersions {
		for i, e := range poolEntries {
			name := fmt.Sprintf("V%dP%d", ver, i)
			b, what := buildPool(t, name, ver, e)
			out = append(out, matrixClass{file: name + ".class", what: fmt.Sprintf("version %d, unused %s", ver, what), data: b})
		}
		for i, u := range utf8Patches {
			name := fmt.Sprintf("V%dU%d", ver, i)
			out = append(out, matrixClass{file: name + ".class", what: fmt.Sprintf("version %d, a Utf8 with %s", ver, u.what), data: buildUtf8(t, name, ver, u.bytes)})
		}
	}
	return out
}

package classpath

import (
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"
)

// encodeMUTF8 is the test's own encoder for JVMS §4.4.7, written from the
// specification rather than from decodeMUTF8.
func encodeMUTF8(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		switch {
		case u != 0 && u < 0x80:
			b = append(b, byte(u))
		case u < 0x800:
			b = append(b, 0xC0|byte(u>>6), 0x80|byte(u&0x3F))
		default:
			b = append(b, 0xE0|byte(u>>12), 0x80|byte(u>>6&0x3F), 0x80|byte(u&0x3F))
		}
	}
	return b
}

// cp builds a constant pool entry by entry; classBytes wraps one into a class
// file with the given this_class.
type cp struct {
	b     []byte
	count int
}

func (p *cp) utf8(raw []byte) int {
	p.b = append(p.b, tagUtf8)
	p.b = binary.BigEndian.AppendUint16(p.b, uint16(len(raw)))
	p.b = append(p.b, raw...)
	p.count++
	return p.count
}

func (p *cp) class(nameIndex int) int {
	p.b = append(p.b, tagClass)
	p.b = binary.BigEndian.AppendUint16(p.b, uint16(nameIndex))
	p.count++
	return p.count
}

func (p *cp) long() int {
	p.b = append(p.b, tagLong, 0, 0, 0, 0, 0, 0, 0, 42)
	p.count += 2
	return p.count - 1
}

func (p *cp) raw(tag byte, body ...byte) int {
	p.b = append(append(p.b, tag), body...)
	p.count++
	return p.count
}

func classBytes(p *cp, this int) []byte {
	b := []byte{0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 61}
	b = binary.BigEndian.AppendUint16(b, uint16(p.count+1))
	b = append(b, p.b...)
	b = binary.BigEndian.AppendUint16(b, 0x0021)
	b = binary.BigEndian.AppendUint16(b, uint16(this))
	// super_class, interfaces, fields, methods, attributes: all empty.
	return append(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

func TestClassNameHandmade(t *testing.T) {
	name := "p\u00e9/\u00dcn\u00efc\u00f6d\u00e9\u0000\U0001D11E$\u4e2d"
	var p cp
	p.long()
	p.raw(tagMethodHandle, 1, 0, 1)
	p.raw(tagInvokeDynamic, 0, 0, 0, 1)
	p.raw(tagModule, 0, 1)
	n := p.utf8(encodeMUTF8(name))
	c := p.class(n)
	p.long()
	got, err := ClassName(classBytes(&p, c))
	if err != nil || got != name {
		t.Errorf("ClassName = %q, %v; want %q", got, err, name)
	}
	if enc := encodeMUTF8(name); strings.Contains(string(enc), "\x00") {
		t.Fatalf("test encoder wrote a NUL byte: % x", enc)
	}
}

func TestClassNameErrors(t *testing.T) {
	build := func(f func(p *cp) int) []byte {
		var p cp
		return classBytes(&p, f(&p))
	}
	for _, tc := range []struct {
		what string
		data []byte
		want string
	}{
		{"not a class", []byte("PK\x03\x04 and more"), "not a class file"},
		{"empty", nil, "ends at offset 0"},
		{"this is a Utf8", build(func(p *cp) int { return p.utf8([]byte("A")) }), "not the index of a CONSTANT_Class"},
		{"this out of range", build(func(p *cp) int { p.class(p.utf8([]byte("A"))); return 9 }), "not the index of a CONSTANT_Class"},
		{"this is zero", build(func(p *cp) int { p.class(p.utf8([]byte("A"))); return 0 }), "not the index of a CONSTANT_Class"},
		{"this is a long's second slot", build(func(p *cp) int { p.class(p.utf8([]byte("A"))); return p.long() + 1 }), "not the index of a CONSTANT_Class"},
		{"class names a class", build(func(p *cp) int { p.utf8([]byte("A")); return p.class(3) }), "not a CONSTANT_Utf8"},
		{"class names itself", build(func(p *cp) int { return p.class(1) }), "not a CONSTANT_Utf8"},
		{"unknown tag", build(func(p *cp) int { p.raw(2, 0, 0); return 1 }), "unknown tag 2"},
		{"bad utf8", build(func(p *cp) int { return p.class(p.utf8([]byte{'A', 0xC3})) }), "malformed modified UTF-8 at byte 1"},
		{"NUL in utf8", build(func(p *cp) int { return p.class(p.utf8([]byte{'A', 0, 'B'})) }), "malformed modified UTF-8 at byte 1"},
		{"empty name", build(func(p *cp) int { return p.class(p.utf8(nil)) }), "is empty"},
	} {
		_, err := ClassName(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.what, err, tc.want)
		} else {
			t.Logf("%s: %v", tc.what, err)
		}
	}
}

// TestClassNameTruncated cuts a real class at every length; each cut before
// this_class must fail with an error, none may panic.
func TestClassNameTruncated(t *testing.T) {
	data := jdkBytes(t, "java/lang/String")
	for n := range len(data) {
		if name, err := ClassName(data[:n]); err == nil {
			// Everything ClassName needs lies before the fields; a cut
			// after this_class may still name the class.
			if name != "java/lang/String" {
				t.Fatalf("cut at %d: named %q", n, name)
			}
		}
	}
}

func FuzzClassName(f *testing.F) {
	var p cp
	p.long()
	f.Add(classBytes(&p, p.class(p.utf8([]byte("a/B")))))
	f.Add([]byte{0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 61, 0, 2, 7, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		ClassName(data)
	})
}

package javap

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"dvmlab/core/classfile"
)

// quoteName quotes a class or member name the way javap does when it is not
// a plain identifier path (array descriptors, <init>).
func quoteName(s string) string {
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '$' || r == '/') {
			return `"` + s + `"`
		}
	}
	if s == "" {
		return `""`
	}
	return s
}

// escape renders a string constant as javap does: the usual backslash
// escapes, ISO control characters as \uXXXX, everything else as it is.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '"':
			b.WriteString(`\"`)
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// javaDouble formats like Java's Double.toString: plain notation for
// 1e-3 <= |v| < 1e7, otherwise d.dddE±n, always with a fractional digit.
func javaDouble(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	case v == 0:
		if math.Signbit(v) {
			return "-0.0"
		}
		return "0.0"
	}
	a := math.Abs(v)
	if a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(v, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(v, 'e', -1, bits)
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// memberRef renders a Fieldref/Methodref target, leaving out the owner when
// it is the class being printed, as javap does.
func (p *printer) memberRef(i uint16) string {
	owner, name, desc := p.c.Pool.MemberRef(i)
	n := quoteName(name)
	if owner == p.c.Name() {
		return n + ":" + desc
	}
	return quoteName(owner) + "." + n + ":" + desc
}

// constComment is the "// ..." javap prints after a constant-pool operand.
func (p *printer) constComment(i uint16) string {
	pool := &p.c.Pool
	e := pool.Get(i)
	if e == nil {
		return "<invalid>"
	}
	switch e.Tag {
	case classfile.TagClass:
		return "class " + quoteName(pool.Utf8(e.A))
	case classfile.TagString:
		return "String " + escape(pool.Utf8(e.A))
	case classfile.TagInteger:
		return "int " + strconv.Itoa(int(e.Int()))
	case classfile.TagFloat:
		return "float " + javaDouble(float64(e.Float()), 32) + "f"
	case classfile.TagLong:
		return "long " + strconv.FormatInt(e.Long(), 10) + "l"
	case classfile.TagDouble:
		return "double " + javaDouble(e.Double(), 64) + "d"
	case classfile.TagFieldref:
		return "Field " + p.memberRef(i)
	case classfile.TagMethodref:
		return "Method " + p.memberRef(i)
	case classfile.TagInterfaceMethodref:
		return "InterfaceMethod " + p.memberRef(i)
	case classfile.TagMethodType:
		return "MethodType " + pool.Utf8(e.A)
	case classfile.TagMethodHandle:
		return "MethodHandle " + classfile.RefKindName(e.Kind) + " " + p.constComment(e.A)
	case classfile.TagInvokeDynamic, classfile.TagDynamic:
		name, desc := pool.NameAndType(e.B)
		kind := "InvokeDynamic"
		if e.Tag == classfile.TagDynamic {
			kind = "Dynamic"
		}
		return fmt.Sprintf("%s #%d:%s:%s", kind, e.A, quoteName(name), desc)
	}
	return e.Tag.String()
}

// poolEntry renders one constant-pool line of javap -v.
func (p *printer) poolEntry(i int) (kind, args, comment string) {
	pool := &p.c.Pool
	e := &pool.Entries[i]
	kind = e.Tag.String()
	switch e.Tag {
	case classfile.TagUtf8:
		return kind, escape(e.Str), ""
	case classfile.TagInteger:
		return kind, strconv.Itoa(int(e.Int())), ""
	case classfile.TagFloat:
		return kind, javaDouble(float64(e.Float()), 32) + "f", ""
	case classfile.TagLong:
		return kind, strconv.FormatInt(e.Long(), 10) + "l", ""
	case classfile.TagDouble:
		return kind, javaDouble(e.Double(), 64) + "d", ""
	case classfile.TagClass, classfile.TagString, classfile.TagMethodType, classfile.TagModule, classfile.TagPackage:
		return kind, fmt.Sprintf("#%d", e.A), pool.Utf8(e.A)
	case classfile.TagNameAndType:
		return kind, fmt.Sprintf("#%d:#%d", e.A, e.B), quoteName(pool.Utf8(e.A)) + ":" + pool.Utf8(e.B)
	case classfile.TagFieldref, classfile.TagMethodref, classfile.TagInterfaceMethodref:
		owner, name, desc := pool.MemberRef(uint16(i))
		return kind, fmt.Sprintf("#%d.#%d", e.A, e.B), quoteName(owner) + "." + quoteName(name) + ":" + desc
	case classfile.TagMethodHandle:
		return kind, fmt.Sprintf("%d:#%d", e.Kind, e.A), classfile.RefKindName(e.Kind) + " " + strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(p.constComment(e.A), "Method "), "Field "), "InterfaceMethod ")
	case classfile.TagDynamic, classfile.TagInvokeDynamic:
		name, desc := pool.NameAndType(e.B)
		return kind, fmt.Sprintf("#%d:#%d", e.A, e.B), fmt.Sprintf("#%d:%s:%s", e.A, quoteName(name), desc)
	}
	return kind, "", ""
}

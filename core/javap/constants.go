package javap

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"dvmlab/core/classfile"
)

// invalid stands for whatever a broken constant-pool reference leads to.
// javap reports such entries and goes on; so do we, with this text in
// place of the value.
const invalid = "<invalid>"

// entry returns pool entry i, or nil when i is 0, out of range, or the
// unusable slot after a long or double (JVMS §4.4.5).
func (p *printer) entry(i uint16) *classfile.Constant { return p.c.Pool.Get(i) }

// utf8 returns the text of Utf8 entry i, and whether i is one.
func (p *printer) utf8(i uint16) (string, bool) {
	if e := p.entry(i); e != nil && e.Tag == classfile.TagUtf8 {
		return e.Str, true
	}
	return invalid, false
}

// className is the internal name held by Class entry i.
func (p *printer) className(i uint16) (string, bool) {
	if e := p.entry(i); e != nil && e.Tag == classfile.TagClass {
		return p.utf8(e.A)
	}
	return invalid, false
}

// tagWord is how an operand comment names the kind of constant
// ("// Method …", "// class …", "// String …").
func tagWord(t classfile.Tag) string {
	switch t {
	case classfile.TagUtf8:
		return "Utf8"
	case classfile.TagInteger:
		return "int"
	case classfile.TagFloat:
		return "float"
	case classfile.TagLong:
		return "long"
	case classfile.TagDouble:
		return "double"
	case classfile.TagClass:
		return "class"
	case classfile.TagString:
		return "String"
	case classfile.TagFieldref:
		return "Field"
	case classfile.TagMethodHandle:
		return "MethodHandle"
	case classfile.TagMethodType:
		return "MethodType"
	case classfile.TagMethodref:
		return "Method"
	case classfile.TagInterfaceMethodref:
		return "InterfaceMethod"
	case classfile.TagInvokeDynamic:
		return "InvokeDynamic"
	case classfile.TagDynamic:
		return "Dynamic"
	case classfile.TagNameAndType:
		return "NameAndType"
	case classfile.TagModule:
		return "Module"
	case classfile.TagPackage:
		return "Package"
	}
	return "(unknown tag " + strconv.Itoa(int(t)) + ")"
}

func isMemberRef(t classfile.Tag) bool {
	return t == classfile.TagFieldref || t == classfile.TagMethodref || t == classfile.TagInterfaceMethodref
}

// constRef is the comment javap writes after an instruction's pool operand
// and in a few attributes: the kind and the value. A member of the class
// being printed is shown without its owner.
func (p *printer) constRef(i uint16) string {
	if i == 0 {
		return "#0"
	}
	e := p.entry(i)
	if e == nil {
		return "#" + strconv.Itoa(int(i))
	}
	// javap compares the pool index, not the name: a second Class entry
	// for the same class still prints the owner.
	if isMemberRef(e.Tag) && e.A == p.c.This {
		if nt := p.entry(e.B); nt != nil {
			return tagWord(e.Tag) + " " + p.valueOf(nt)
		}
	}
	return tagWord(e.Tag) + " " + p.valueOf(e)
}

// value is the text of pool entry i as javap shows it in comments.
func (p *printer) value(i uint16) string {
	e := p.entry(i)
	if e == nil {
		return invalid
	}
	return p.valueOf(e)
}

func (p *printer) valueOf(e *classfile.Constant) string {
	switch e.Tag {
	case classfile.TagUtf8:
		return escapeString(p.javaText(e))
	case classfile.TagInteger:
		return strconv.Itoa(int(e.Int()))
	case classfile.TagFloat:
		return javaFloat(e.Float()) + "f"
	case classfile.TagLong:
		return strconv.FormatInt(e.Long(), 10) + "l"
	case classfile.TagDouble:
		return javaDouble(e.Double()) + "d"
	case classfile.TagClass, classfile.TagModule, classfile.TagPackage:
		if s, ok := p.utf8(e.A); ok {
			return checkName(s)
		}
		return invalid
	case classfile.TagString:
		if _, ok := p.utf8(e.A); ok {
			return p.value(e.A)
		}
		return invalid
	case classfile.TagFieldref, classfile.TagMethodref, classfile.TagInterfaceMethodref:
		cn := invalid
		if s, ok := p.className(e.A); ok {
			cn = checkName(s)
		}
		return cn + "." + p.nameAndType(e.B)
	case classfile.TagNameAndType:
		name, desc := invalid, invalid
		if s, ok := p.utf8(e.A); ok {
			name = checkName(s)
		}
		if s, ok := p.utf8(e.B); ok {
			desc = s
		}
		return name + ":" + desc
	case classfile.TagMethodHandle:
		if r := p.entry(e.A); r != nil && isMemberRef(r.Tag) {
			return classfile.RefKindName(e.Kind) + " " + p.valueOf(r)
		}
		return invalid
	case classfile.TagMethodType:
		s, _ := p.utf8(e.A)
		return s
	case classfile.TagDynamic, classfile.TagInvokeDynamic:
		return "#" + strconv.Itoa(int(e.A)) + ":" + p.nameAndType(e.B)
	}
	return invalid
}

func (p *printer) nameAndType(i uint16) string {
	if e := p.entry(i); e != nil && e.Tag == classfile.TagNameAndType {
		return p.valueOf(e)
	}
	return invalid
}

// checkName quotes a name that is not a binary name made of Java
// identifiers separated by slashes, as javap does for array classes,
// "<init>", module names with dots and the like.
func checkName(name string) string {
	if name == "" {
		return `""`
	}
	prev := '/'
	for _, r := range name {
		if (prev == '/' && !javaIdentStart(r)) || (r != '/' && !javaIdentPart(r)) {
			return `"` + addEscapes(name) + `"`
		}
		prev = r
	}
	return name
}

// addEscapes makes a quoted name a valid string body; javap escapes only
// these four characters there.
func addEscapes(s string) string {
	if !strings.ContainsAny(s, "\\\"\n\t") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return r.Replace(s)
}

// javaIdentStart and javaIdentPart follow Character.isJavaIdentifierStart
// and isJavaIdentifierPart.
func javaIdentStart(r rune) bool {
	return unicode.IsLetter(r) || unicode.In(r, unicode.Nl, unicode.Sc, unicode.Pc)
}

func javaIdentPart(r rune) bool {
	return javaIdentStart(r) || unicode.In(r, unicode.Nd, unicode.Mc, unicode.Mn) || identIgnorable(r)
}

func identIgnorable(r rune) bool {
	return r <= 0x08 || (r >= 0x0E && r <= 0x1B) || (r >= 0x7F && r <= 0x9F) || unicode.Is(unicode.Cf, r)
}

// escapeString renders the text of a Utf8 or String constant: the usual
// backslash escapes, other ISO control characters as \uXXXX.
func escapeString(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\'' || c == '\\' || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
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
				b.WriteString(`\u`)
				h := strconv.FormatInt(int64(r), 16)
				b.WriteString(strings.Repeat("0", 4-len(h)) + h)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// javaText is the text of a Utf8 entry as Java holds it. A lone surrogate
// (legal in modified UTF-8, JVMS §4.4.7, and used by the JDK's charset
// tables) cannot live in a Go string, so the parser keeps U+FFFD in Str
// and the original bytes beside the pool; javap prints such a surrogate
// through a UTF-8 encoder, which writes '?'. Only then are the bytes worth
// recovering.
func (p *printer) javaText(e *classfile.Constant) string {
	if !strings.ContainsRune(e.Str, utf8.RuneError) {
		return e.Str
	}
	for i := range p.c.Pool.Entries {
		if &p.c.Pool.Entries[i] != e {
			continue
		}
		if b := p.c.Pool.RawUtf8(i); b != nil {
			if s, ok := decodeJavaUTF8(b); ok {
				return s
			}
		}
		break
	}
	return e.Str
}

// decodeJavaUTF8 decodes modified UTF-8 into UTF-16 units, pairs
// surrogates, and turns the unpaired ones into '?'.
func decodeJavaUTF8(b []byte) (string, bool) {
	units := make([]uint16, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			units = append(units, uint16(c))
			i++
		case c&0xE0 == 0xC0 && i+1 < len(b) && b[i+1]&0xC0 == 0x80:
			units = append(units, uint16(c&0x1F)<<6|uint16(b[i+1]&0x3F))
			i += 2
		case c&0xF0 == 0xE0 && i+2 < len(b) && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80:
			units = append(units, uint16(c&0x0F)<<12|uint16(b[i+1]&0x3F)<<6|uint16(b[i+2]&0x3F))
			i += 3
		default:
			return "", false
		}
	}
	var sb strings.Builder
	for i := 0; i < len(units); i++ {
		u := rune(units[i])
		switch {
		case utf16.IsSurrogate(u) && u < 0xDC00 && i+1 < len(units) && units[i+1] >= 0xDC00 && units[i+1] <= 0xDFFF:
			sb.WriteRune(utf16.DecodeRune(u, rune(units[i+1])))
			i++
		case utf16.IsSurrogate(u):
			sb.WriteByte('?')
		default:
			sb.WriteRune(u)
		}
	}
	return sb.String(), true
}

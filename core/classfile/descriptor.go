package classfile

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field and method descriptors. See JVMS §4.3.
//
// FieldType is the parsed form of a field descriptor; ParseFieldType and
// ParseMethodDescriptor build it, NextFieldType and ArgSlots walk a
// descriptor without allocating, for the hot paths (frame computation,
// argument counting). Validation follows the JVMS for version 49 and later
// (§4.2.1: a class name in a descriptor is a sequence of unqualified names
// separated by '/'); ValidFieldDescriptor and ValidMethodDescriptor add the
// older rules HotSpot applies below version 49.

// MaxArrayDims is the most dimensions an array type may have. See JVMS §4.3.2.
const MaxArrayDims = 255

// FieldType is one field type (JVMS §4.3.2), or void as a method's return
// type (§4.3.3). Elem is the element's descriptor character: one of
// B C D F I J S Z for a base type, 'L' for a class (named by Class, in
// internal form), 'V' for void. Dims counts the array dimensions, 0 for a
// type that is not an array.
type FieldType struct {
	Dims  int
	Elem  byte
	Class string
}

// IsArray reports whether t is an array type.
func (t FieldType) IsArray() bool { return t.Dims > 0 }

// IsReference reports whether t is a class or array type.
func (t FieldType) IsReference() bool { return t.Dims > 0 || t.Elem == 'L' }

// IsVoid reports whether t is the void return type.
func (t FieldType) IsVoid() bool { return t.Dims == 0 && t.Elem == 'V' }

// Slots is how many local-variable or operand-stack slots a value of t
// takes: 2 for long and double, 0 for void, 1 for anything else.
// See JVMS §2.6.1.
func (t FieldType) Slots() int {
	switch {
	case t.Dims > 0:
		return 1
	case t.Elem == 'J' || t.Elem == 'D':
		return 2
	case t.Elem == 'V':
		return 0
	}
	return 1
}

// Element returns the type of t's elements: t with one dimension less.
func (t FieldType) Element() FieldType {
	if t.Dims > 0 {
		t.Dims--
	}
	return t
}

// String returns t as a descriptor.
func (t FieldType) String() string {
	var b strings.Builder
	for range t.Dims {
		b.WriteByte('[')
	}
	if t.Elem == 'L' {
		b.WriteString("L" + t.Class + ";")
	} else {
		b.WriteByte(t.Elem)
	}
	return b.String()
}

// JavaName returns t as the Java language writes it: int, java.lang.String[].
func (t FieldType) JavaName() string {
	var s string
	switch t.Elem {
	case 'L':
		s = BinaryName(t.Class)
	default:
		s = baseTypeNames[t.Elem]
	}
	return s + strings.Repeat("[]", t.Dims)
}

var baseTypeNames = [256]string{'B': "byte", 'C': "char", 'D': "double", 'F': "float", 'I': "int",
	'J': "long", 'S': "short", 'Z': "boolean", 'V': "void"}

// ErrDescriptor is wrapped by every error about a malformed descriptor.
var ErrDescriptor = errors.New("malformed descriptor")

func descError(desc string, at int, why string) error {
	return fmt.Errorf("%w %q at %d: %s", ErrDescriptor, desc, at, why)
}

// NextFieldType reads the field type that starts desc[at:], or void when
// voidOK, and returns it with the offset just past it. It does not allocate:
// Class is a substring of desc.
func NextFieldType(desc string, at int, voidOK bool) (FieldType, int, error) {
	var t FieldType
	i := at
	for i < len(desc) && desc[i] == '[' {
		t.Dims++
		i++
	}
	if t.Dims > MaxArrayDims {
		return t, i, descError(desc, at, "more than 255 array dimensions")
	}
	if i >= len(desc) {
		return t, i, descError(desc, at, "ends before its type")
	}
	c := desc[i]
	switch c {
	case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z':
		t.Elem = c
		return t, i + 1, nil
	case 'V':
		if !voidOK || t.Dims > 0 {
			return t, i, descError(desc, i, "void is not a field type")
		}
		t.Elem = c
		return t, i + 1, nil
	case 'L':
		end := strings.IndexByte(desc[i+1:], ';')
		if end < 0 {
			return t, i, descError(desc, i, "class name without ';'")
		}
		name := desc[i+1 : i+1+end]
		if !validClassNameChars(name) {
			return t, i, descError(desc, i+1, "class name "+strconvQuote(name)+" is empty or holds . ; [ or a misplaced /")
		}
		t.Elem, t.Class = 'L', name
		return t, i + 2 + end, nil
	}
	return t, i, descError(desc, i, fmt.Sprintf("%q does not start a type", c))
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

// ParseFieldType parses a whole field descriptor. See JVMS §4.3.2.
func ParseFieldType(desc string) (FieldType, error) {
	t, end, err := NextFieldType(desc, 0, false)
	if err == nil && end != len(desc) {
		err = descError(desc, end, "text after the type")
	}
	return t, err
}

// MethodDescriptor is a parsed method descriptor. See JVMS §4.3.3.
type MethodDescriptor struct {
	Params []FieldType
	Return FieldType // IsVoid for void
}

// ArgSlots is how many local-variable slots the parameters take, not
// counting the receiver of an instance method.
func (m *MethodDescriptor) ArgSlots() int {
	n := 0
	for _, p := range m.Params {
		n += p.Slots()
	}
	return n
}

// String returns m as a descriptor.
func (m *MethodDescriptor) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for _, p := range m.Params {
		b.WriteString(p.String())
	}
	b.WriteByte(')')
	b.WriteString(m.Return.String())
	return b.String()
}

// ParseMethodDescriptor parses a method descriptor. See JVMS §4.3.3.
func ParseMethodDescriptor(desc string) (*MethodDescriptor, error) {
	m := &MethodDescriptor{}
	i, err := walkParams(desc, func(t FieldType) { m.Params = append(m.Params, t) })
	if err != nil {
		return nil, err
	}
	m.Return, i, err = NextFieldType(desc, i, true)
	if err != nil {
		return nil, err
	}
	if i != len(desc) {
		return nil, descError(desc, i, "text after the return type")
	}
	return m, nil
}

// walkParams calls f for each parameter type and returns the offset of the
// return type.
func walkParams(desc string, f func(FieldType)) (int, error) {
	if len(desc) == 0 || desc[0] != '(' {
		return 0, descError(desc, 0, "a method descriptor starts with '('")
	}
	i := 1
	for {
		if i >= len(desc) {
			return i, descError(desc, i, "no ')'")
		}
		if desc[i] == ')' {
			return i + 1, nil
		}
		t, next, err := NextFieldType(desc, i, false)
		if err != nil {
			return next, err
		}
		if f != nil {
			f(t)
		}
		i = next
	}
}

// ArgSlots returns the local-variable slots a method descriptor's parameters
// take (the receiver not counted) and the slots of its return value (0 for
// void). It validates desc as ParseMethodDescriptor does, without allocating.
func ArgSlots(desc string) (args, ret int, err error) {
	if len(desc) == 0 || desc[0] != '(' {
		return 0, 0, descError(desc, 0, "a method descriptor starts with '('")
	}
	i := 1
	for {
		if i >= len(desc) {
			return 0, 0, descError(desc, i, "no ')'")
		}
		if desc[i] == ')' {
			break
		}
		t, next, err := NextFieldType(desc, i, false)
		if err != nil {
			return 0, 0, err
		}
		args += t.Slots()
		i = next
	}
	t, end, err := NextFieldType(desc, i+1, true)
	if err != nil {
		return 0, 0, err
	}
	if end != len(desc) {
		return 0, 0, descError(desc, end, "text after the return type")
	}
	return args, t.Slots(), nil
}

// validClassNameChars reports whether name is a class name in internal form
// as JVMS §4.2.1 allows it from version 49 on: unqualified names (not empty,
// without . ; [ /) separated by single slashes.
func validClassNameChars(name string) bool {
	if name == "" || name[0] == '/' || name[len(name)-1] == '/' {
		return false
	}
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '.', ';', '[':
			return false
		case '/':
			if name[i+1] == '/' {
				return false
			}
		}
	}
	return true
}

// ValidUnqualifiedName reports whether name is an unqualified name for a
// field (method false) or a method (method true): not empty, without
// . ; [ /, and for a method without < or >, unless it is <init> or
// <clinit>. See JVMS §4.2.2.
func ValidUnqualifiedName(name string, method bool) bool {
	if method && (name == "<init>" || name == "<clinit>") {
		return true
	}
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '.', ';', '[', '/':
			return false
		case '<', '>':
			if method {
				return false
			}
		}
	}
	return true
}

// ValidClassName reports whether name may be the name in a CONSTANT_Class
// of a class of the given major version: an array descriptor, or a binary
// name in internal form. Below version 49, HotSpot wants Java identifiers
// separated by slashes; from 49 on any unqualified names (JVMS §4.2.1,
// §4.4.1).
func ValidClassName(name string, major uint16) bool {
	if name == "" {
		return false
	}
	if name[0] == '[' {
		return ValidFieldDescriptor(name, major)
	}
	if major < 49 {
		return name[0] != '<' && identifierPath(name, true) == len(name)
	}
	return validClassNameChars(name)
}

// ValidFieldDescriptor reports whether desc is a field descriptor in a class
// of the given major version. See JVMS §4.3.2.
func ValidFieldDescriptor(desc string, major uint16) bool {
	end, ok := skipFieldType(desc, 0, false, major)
	return ok && end == len(desc)
}

// ValidMethodDescriptor reports whether desc is a method descriptor in a
// class of the given major version. See JVMS §4.3.3.
func ValidMethodDescriptor(desc string, major uint16) bool {
	if len(desc) == 0 || desc[0] != '(' {
		return false
	}
	i := 1
	for i < len(desc) && desc[i] != ')' {
		next, ok := skipFieldType(desc, i, false, major)
		if !ok {
			return false
		}
		i = next
	}
	if i >= len(desc) {
		return false
	}
	end, ok := skipFieldType(desc, i+1, true, major)
	return ok && end == len(desc)
}

// skipFieldType is NextFieldType with the class-name rule of the version.
func skipFieldType(desc string, at int, voidOK bool, major uint16) (int, bool) {
	if major >= 49 {
		_, end, err := NextFieldType(desc, at, voidOK)
		return end, err == nil
	}
	i := at
	for i < len(desc) && desc[i] == '[' {
		i++
		voidOK = false
	}
	if i-at > MaxArrayDims || i >= len(desc) {
		return i, false
	}
	switch desc[i] {
	case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z':
		return i + 1, true
	case 'V':
		return i + 1, voidOK
	case 'L':
		n := identifierPath(desc[i+1:], true)
		end := i + 1 + n
		if n > 0 && end < len(desc) && desc[end] == ';' {
			return end + 1, true
		}
	}
	return i, false
}

// identifierPath returns the length of the longest prefix of s made of Java
// identifier characters (and single slashes when slashOK), as HotSpot's
// skip_over_field_name does for classes older than version 49; -1 when
// there is none or slashes are doubled.
func identifierPath(s string, slashOK bool) int {
	lastSlash := false
	for i := 0; i < len(s); {
		first := i == 0
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || (!first && c >= '0' && c <= '9') {
				lastSlash = false
				i++
				continue
			}
			if slashOK && c == '/' {
				if lastSlash {
					return -1
				}
				lastSlash = true
				i++
				continue
			}
		} else {
			r, n := utf8.DecodeRuneInString(s[i:])
			lastSlash = false
			if first && javaIdentifierStart(r) || !first && javaIdentifierPart(r) {
				i += n
				continue
			}
		}
		if first {
			return -1
		}
		return i
	}
	if s == "" {
		return -1
	}
	return len(s)
}

// javaIdentifierStart is java.lang.Character.isJavaIdentifierStart.
func javaIdentifierStart(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Sc, r) || unicode.Is(unicode.Pc, r)
}

// javaIdentifierPart is java.lang.Character.isJavaIdentifierPart.
func javaIdentifierPart(r rune) bool {
	return javaIdentifierStart(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Mn, r) ||
		unicode.Is(unicode.Cf, r) || r <= 8 || (r >= 0xE && r <= 0x1B) || (r >= 0x7F && r <= 0x9F)
}

// ScanType reads one type at desc[at:] as javap's descriptor parser does,
// which checks less than the JVMS: any number of '[' then one of
// B C D F I J S V Z, or 'L' and whatever text comes before the next ';'.
// It returns the type and the offset past it; false when no type starts
// there.
func ScanType(desc string, at int) (FieldType, int, bool) {
	var t FieldType
	i := at
	for i < len(desc) && desc[i] == '[' {
		t.Dims++
		i++
	}
	if i >= len(desc) {
		return t, i, false
	}
	switch c := desc[i]; c {
	case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'V', 'Z':
		t.Elem = c
		return t, i + 1, true
	case 'L':
		end := strings.IndexByte(desc[i+1:], ';')
		if end < 0 {
			return t, i, false
		}
		t.Elem, t.Class = 'L', desc[i+1:i+1+end]
		return t, i + 2 + end, true
	}
	return t, i, false
}

package javap

import (
	"strings"

	"dvmlab/core/classfile"
)

// Java types from descriptors (JVMS §4.3) and generic signatures (JVMS
// §4.7.9.1), printed as javap prints them. javap renders the same parsed
// type in two ways: plainly (class names keep their slashes, which the
// caller then turns into dots, except in a generic throws clause) and
// through a printer that drops a bound of java.lang.Object unless verbose.
// Both are reproduced here because both show up in its output.

type typeKind uint8

const (
	simpleType typeKind = iota // primitive, void or type variable
	classType
	arrayType
	wildcardType
	typeParam
)

type jtype struct {
	kind  typeKind
	name  string   // simple: the name; class: internal name of this part; typeParam: the variable
	outer *jtype   // class: the enclosing parameterized class, if any
	args  []*jtype // class: type arguments
	elem  *jtype   // array: component; wildcard: bound (nil for "?")
	wild  byte     // wildcard: '*', '+' or '-'
	bound *jtype   // typeParam: class bound, nil when empty
	ifs   []*jtype // typeParam: interface bounds
}

// isObject is javap's test for a bound or superclass it may leave out.
func (t *jtype) isObject() bool {
	return t != nil && t.kind == classType && t.outer == nil && t.name == "java/lang/Object" && len(t.args) == 0
}

// String is the plain rendering (javap's Type.toString).
func (t *jtype) String() string {
	var b strings.Builder
	t.write(&b, false, false)
	return b.String()
}

// java is the rendering of javap's JavaTypePrinter: dotted names, and an
// Object bound shown only when verbose.
func (t *jtype) java(verbose bool) string {
	var b strings.Builder
	t.write(&b, true, verbose)
	return b.String()
}

func (t *jtype) write(b *strings.Builder, java, verbose bool) {
	switch t.kind {
	case simpleType:
		b.WriteString(t.name)
	case arrayType:
		t.elem.write(b, java, verbose)
		b.WriteString("[]")
	case classType:
		if t.outer != nil {
			t.outer.write(b, java, verbose)
			b.WriteByte('.')
		}
		if java {
			b.WriteString(dotted(t.name))
		} else {
			b.WriteString(t.name)
		}
		writeList(b, "<", t.args, ">", java, verbose)
	case wildcardType:
		switch t.wild {
		case '+':
			b.WriteString("? extends ")
			t.elem.write(b, java, verbose)
		case '-':
			b.WriteString("? super ")
			t.elem.write(b, java, verbose)
		default:
			b.WriteByte('?')
		}
	case typeParam:
		b.WriteString(t.name)
		sep := " extends "
		if t.bound != nil && (!java || verbose || !t.bound.isObject()) {
			b.WriteString(sep)
			t.bound.write(b, java, verbose)
			sep = " & "
		}
		for _, i := range t.ifs {
			b.WriteString(sep)
			i.write(b, java, verbose)
			sep = " & "
		}
	}
}

func writeList(b *strings.Builder, open string, ts []*jtype, close string, java, verbose bool) {
	if len(ts) == 0 {
		return
	}
	b.WriteString(open)
	for i, t := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		t.write(b, java, verbose)
	}
	b.WriteString(close)
}

func dotted(s string) string { return strings.ReplaceAll(s, "/", ".") }

// sigType is a parsed signature: a method's, a class's, or a single type
// (a field's, or a class signature that is nothing but a superclass, which
// javap's parser cannot tell from a field type).
type sigType struct {
	method  bool
	tparams []*jtype
	params  []*jtype // method
	ret     *jtype   // method
	throws  []*jtype // method
	super   *jtype   // class signature; the single type otherwise
	ifaces  []*jtype // class signature
	class   bool     // a class signature proper (type parameters or interfaces present)
}

// sigParser follows javap's signature grammar. Malformed input makes it
// fail (ok false) and callers fall back to the descriptor.
type sigParser struct {
	s   string
	i   int
	bad bool
}

func (p *sigParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	p.bad = true
	return 0
}

func parseSignature(s string) (sig *sigType, ok bool) {
	if s == "" {
		return nil, false
	}
	p := &sigParser{s: s}
	sig = &sigType{}
	if p.peek() == '<' {
		sig.tparams = p.typeParams()
	}
	if !p.bad && p.peek() == '(' {
		sig.method = true
		sig.params = p.typeList(')')
		sig.ret = p.typ()
		for !p.bad && p.i < len(p.s) && p.s[p.i] == '^' {
			p.i++
			sig.throws = append(sig.throws, p.typ())
		}
		return sig, !p.bad && p.i == len(p.s)
	}
	sig.super = p.typ()
	if sig.tparams == nil && p.i == len(p.s) {
		return sig, !p.bad
	}
	sig.class = true
	for !p.bad && p.i < len(p.s) {
		sig.ifaces = append(sig.ifaces, p.typ())
	}
	return sig, !p.bad
}

func (p *sigParser) typeList(end byte) []*jtype {
	p.i++
	ts := []*jtype{}
	for !p.bad && p.peek() != end {
		ts = append(ts, p.typ())
	}
	p.i++
	return ts
}

func (p *sigParser) typeParams() []*jtype {
	p.i++
	var ts []*jtype
	for !p.bad && p.peek() != '>' {
		colon := strings.IndexByte(p.s[p.i:], ':')
		if colon < 0 {
			p.bad = true
			break
		}
		t := &jtype{kind: typeParam, name: p.s[p.i : p.i+colon]}
		p.i += colon + 1
		if p.peek() != ':' {
			t.bound = p.typ()
		}
		for !p.bad && p.peek() == ':' {
			p.i++
			t.ifs = append(t.ifs, p.typ())
		}
		ts = append(ts, t)
	}
	p.i++
	return ts
}

var primitives = map[byte]string{
	'B': "byte", 'C': "char", 'D': "double", 'F': "float", 'I': "int",
	'J': "long", 'S': "short", 'V': "void", 'Z': "boolean",
}

func (p *sigParser) typ() *jtype {
	if p.bad {
		return &jtype{}
	}
	c := p.peek()
	if p.bad {
		return &jtype{}
	}
	if name, ok := primitives[c]; ok {
		p.i++
		return &jtype{kind: simpleType, name: name}
	}
	p.i++
	switch c {
	case 'L':
		return p.classRest()
	case 'T':
		semi := strings.IndexByte(p.s[p.i:], ';')
		if semi < 0 {
			p.bad = true
			return &jtype{}
		}
		t := &jtype{kind: simpleType, name: p.s[p.i : p.i+semi]}
		p.i += semi + 1
		return t
	case '[':
		return &jtype{kind: arrayType, elem: p.typ()}
	case '*':
		return &jtype{kind: wildcardType, wild: '*'}
	case '+', '-':
		return &jtype{kind: wildcardType, wild: c, elem: p.typ()}
	}
	p.bad = true
	return &jtype{}
}

// classRest reads a class type after its 'L': Outer<args>.Inner<args>;
func (p *sigParser) classRest() *jtype {
	var t *jtype
	var args []*jtype
	var name strings.Builder
	for !p.bad {
		switch c := p.peek(); c {
		case 0:
		case '<':
			args = p.typeList('>')
		case '.', ';':
			p.i++
			t = &jtype{kind: classType, outer: t, name: name.String(), args: args}
			name.Reset()
			args = nil
			if c == ';' {
				return t
			}
		default:
			p.i++
			name.WriteByte(c)
		}
	}
	return &jtype{kind: classType}
}

// descTypes turns a run of field descriptors (JVMS §4.3.2) into Java type
// names, "I[Ljava/lang/String;" giving int and java.lang.String[], reading
// them as javap does (classfile.ScanType).
func descTypes(d string) ([]string, bool) {
	var out []string
	for i := 0; i < len(d); {
		t, next, ok := classfile.ScanType(d, i)
		if !ok {
			return nil, false
		}
		out = append(out, t.JavaName())
		i = next
	}
	return out, true
}

// methodDesc splits a method descriptor (JVMS §4.3.3) into Java parameter
// and result type names.
func methodDesc(d string) (params []string, ret string, ok bool) {
	end := strings.IndexByte(d, ')')
	if !strings.HasPrefix(d, "(") || end < 0 {
		return nil, "", false
	}
	params, ok = descTypes(d[1:end])
	if !ok {
		return nil, "", false
	}
	r, ok := descTypes(d[end+1:])
	if !ok || len(r) != 1 {
		return nil, "", false
	}
	return params, r[0], true
}

// fieldDesc is the Java name of one field descriptor, or the descriptor
// itself when it is malformed.
func fieldDesc(d string) string {
	if t, ok := descTypes(d); ok && len(t) == 1 {
		return t[0]
	}
	return d
}

package javap

import "strings"

// Java types from descriptors and generic signatures, printed as javap
// prints them. See JVMS §4.3 (descriptors) and §4.7.9.1 (signatures).

// typeName turns a field descriptor into Java source form:
// "[Ljava/lang/String;" -> "java.lang.String[]".
func typeName(d string) string {
	dims := 0
	for dims < len(d) && d[dims] == '[' {
		dims++
	}
	base := d[dims:]
	var s string
	switch {
	case base == "":
		return d
	case base[0] == 'L':
		s = strings.ReplaceAll(strings.TrimSuffix(base[1:], ";"), "/", ".")
	default:
		s = primitive(base[0])
		if s == "" || len(base) != 1 {
			return d
		}
	}
	return s + strings.Repeat("[]", dims)
}

func primitive(c byte) string {
	switch c {
	case 'B':
		return "byte"
	case 'C':
		return "char"
	case 'D':
		return "double"
	case 'F':
		return "float"
	case 'I':
		return "int"
	case 'J':
		return "long"
	case 'S':
		return "short"
	case 'Z':
		return "boolean"
	case 'V':
		return "void"
	}
	return ""
}

// splitMethodDesc splits "(ILjava/lang/String;)V" into parameter
// descriptors and the return descriptor.
func splitMethodDesc(d string) (params []string, ret string, ok bool) {
	if !strings.HasPrefix(d, "(") {
		return nil, "", false
	}
	i := 1
	for i < len(d) && d[i] != ')' {
		j := i
		for j < len(d) && d[j] == '[' {
			j++
		}
		if j >= len(d) {
			return nil, "", false
		}
		if d[j] == 'L' {
			k := strings.IndexByte(d[j:], ';')
			if k < 0 {
				return nil, "", false
			}
			j += k
		}
		params = append(params, d[i:j+1])
		i = j + 1
	}
	if i >= len(d) {
		return nil, "", false
	}
	return params, d[i+1:], true
}

// sigParser reads a generic signature; on malformed input it sets bad and
// the caller falls back to the descriptor, as javap does.
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

func (p *sigParser) next() byte {
	c := p.peek()
	if !p.bad {
		p.i++
	}
	return c
}

func (p *sigParser) ident(stops string) string {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(stops, rune(p.s[p.i])) {
		p.i++
	}
	if p.i >= len(p.s) {
		p.bad = true
	}
	return p.s[start:p.i]
}

// typeParams parses '<' TypeParameter+ '>' into javap's "<T extends B & I>".
func (p *sigParser) typeParams() string {
	if p.i >= len(p.s) || p.s[p.i] != '<' {
		return ""
	}
	p.i++
	var parts []string
	for !p.bad && p.peek() != '>' {
		name := p.ident(":")
		var bounds []string
		first := true
		for !p.bad && p.peek() == ':' {
			p.i++
			if p.peek() == ':' { // empty class bound
				first = false
				continue
			}
			t := p.refType()
			// javap leaves out a class bound of Object.
			if !(first && t == "java.lang.Object") {
				bounds = append(bounds, t)
			}
			first = false
		}
		if len(bounds) > 0 {
			name += " extends " + strings.Join(bounds, " & ")
		}
		parts = append(parts, name)
	}
	p.next()
	return "<" + strings.Join(parts, ", ") + ">"
}

// javaType parses any JavaTypeSignature (or V for a result).
func (p *sigParser) javaType() string {
	c := p.peek()
	if prim := primitive(c); prim != "" {
		p.i++
		return prim
	}
	return p.refType()
}

func (p *sigParser) refType() string {
	switch p.next() {
	case 'L':
		var b strings.Builder
		for !p.bad {
			b.WriteString(strings.ReplaceAll(p.ident("<.;"), "/", "."))
			if p.peek() == '<' {
				p.i++
				var args []string
				for !p.bad && p.peek() != '>' {
					switch p.peek() {
					case '*':
						p.i++
						args = append(args, "?")
					case '+':
						p.i++
						args = append(args, "? extends "+p.refType())
					case '-':
						p.i++
						args = append(args, "? super "+p.refType())
					default:
						args = append(args, p.refType())
					}
				}
				p.next()
				b.WriteString("<" + strings.Join(args, ", ") + ">")
			}
			if p.peek() == '.' {
				p.i++
				b.WriteByte('.')
				continue
			}
			p.next() // ';'
			break
		}
		return b.String()
	case 'T':
		name := p.ident(";")
		p.next()
		return name
	case '[':
		return p.javaType() + "[]"
	}
	p.bad = true
	return ""
}

// classSignature gives the type parameters, superclass and interfaces.
func classSignature(sig string) (tparams, super string, ifaces []string, ok bool) {
	p := &sigParser{s: sig}
	tparams = p.typeParams()
	super = p.refType()
	for !p.bad && p.i < len(p.s) {
		ifaces = append(ifaces, p.refType())
	}
	return tparams, super, ifaces, !p.bad
}

// methodSignature gives type parameters, parameter types, result and throws.
func methodSignature(sig string) (tparams string, params []string, ret string, throws []string, ok bool) {
	p := &sigParser{s: sig}
	tparams = p.typeParams()
	if p.next() != '(' {
		return "", nil, "", nil, false
	}
	for !p.bad && p.peek() != ')' {
		params = append(params, p.javaType())
	}
	p.next()
	ret = p.javaType()
	for !p.bad && p.i < len(p.s) && p.peek() == '^' {
		p.i++
		throws = append(throws, p.refType())
	}
	return tparams, params, ret, throws, !p.bad && p.i == len(p.s)
}

// fieldSignature gives a field's generic type.
func fieldSignature(sig string) (string, bool) {
	p := &sigParser{s: sig}
	t := p.refType()
	return t, !p.bad && p.i == len(p.s)
}

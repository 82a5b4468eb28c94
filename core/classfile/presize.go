package classfile

import "encoding/binary"

// sizes counts the small structures of one class, by kind.
type sizes struct {
	members, attrs, codes, handlers, lnts, lines, lvts, vars int
	smts, frames, vts, u2s, raws, sigs, excs, inners         int
}

// sizer walks a class's members and attributes by their counts and
// lengths to fill in sizes.
type sizer struct {
	p *parser
	b []byte
	n sizes
}

// presize counts, before the members are read, how many of each small
// structure the class holds (members, attributes, Code attributes, their
// exception tables, line and local-variable tables and stack maps) and
// gives each slab one chunk of that size: one allocation per kind for the
// class instead of a chunk that doubles from a handful, and no chunk tail
// left unused. It walks the structure of JVMS §4.5-§4.7 by counts and
// lengths only, reading no attribute but the Code, and trusts nothing: it
// stops at the first count or length that runs past the input and leaves
// the rest to the slabs' own growth, and to the reader to report.
func (p *parser) presize() {
	z := sizer{p: p, b: p.r.b}
	off := p.r.off
	for _, loc := range []location{locField, locMethod} {
		count, ok := z.u2(off)
		if !ok {
			return
		}
		off += 2
		z.n.members += count
		for range count {
			access, ok := z.u2(off)
			if !ok {
				return
			}
			if off = z.attrs(off+6, loc, loc == locField && AccessFlags(access).Has(AccStatic)); off < 0 {
				return
			}
		}
	}
	if z.attrs(off, locClass, false) < 0 {
		return
	}
	n, sl := &z.n, &p.sl
	presize(&sl.members, n.members)
	presize(&sl.memberPtrs, n.members)
	presize(&sl.attrs, n.attrs)
	presize(&sl.codes, n.codes)
	presize(&sl.handlers, n.handlers)
	presize(&sl.lnts, n.lnts)
	presize(&sl.lines, n.lines)
	presize(&sl.lvts, n.lvts)
	presize(&sl.vars, n.vars)
	presize(&sl.smts, n.smts)
	presize(&sl.frames, n.frames)
	presize(&sl.vts, n.vts)
	presize(&sl.u2s, n.u2s)
	presize(&sl.raws, n.raws)
	presize(&sl.sigs, n.sigs)
	presize(&sl.excs, n.excs)
	presize(&sl.inners, n.inners)
}

// u2 is the u2 at b[at:], if it is there.
func (z *sizer) u2(at int) (int, bool) {
	if at < 0 || at > len(z.b)-2 {
		return 0, false
	}
	return int(z.b[at])<<8 | int(z.b[at+1]), true
}

// attrs walks an attribute list at loc from off, counting, and returns
// where it ends, or -1.
func (z *sizer) attrs(off int, loc location, static bool) int {
	b, n := z.b, &z.n
	count, ok := z.u2(off)
	if !ok {
		return -1
	}
	off += 2
	n.attrs += count
	for range count {
		if off > len(b)-6 {
			return -1
		}
		ni := binary.BigEndian.Uint16(b[off:])
		length := int(binary.BigEndian.Uint32(b[off+2:]))
		body := off + 6
		if length < 0 || length > len(b)-body {
			return -1
		}
		off = body + length
		k := kindUnknown
		if e := z.p.c.Pool.Entries; int(ni) < len(e) && e[ni].Tag == TagUtf8 {
			k = z.p.kindOf(ni, e[ni].Str)
		}
		rule, ok := ruleOf(loc, k)
		if !ok || z.p.c.Major < rule.since || (rule.staticOnly && !static) {
			n.raws++
			continue
		}
		// The first u2 of the body is the count of the tables below.
		c, _ := z.u2(body)
		switch k {
		case kindSignature:
			n.sigs++
		case kindExceptions:
			n.excs++
			n.u2s += c
		case kindInnerClasses:
			n.inners += c
		case kindLineNumberTable:
			n.lnts++
			n.lines += c
		case kindLocalVariableTable, kindLocalVariableTypeTable:
			n.lvts++
			n.vars += c
		case kindStackMapTable:
			n.smts++
			n.frames += c
			// Each frame takes a byte and each type at least one.
			n.vts += max(length-2-c, 0)
		case kindCode:
			n.codes++
			if body+8 > len(b) {
				return -1
			}
			at := body + 8 + int(binary.BigEndian.Uint32(b[body+4:]))
			h, ok := z.u2(at)
			if !ok || at+2+8*h > off {
				return -1
			}
			n.handlers += h
			if z.attrs(at+2+8*h, locCode, false) < 0 {
				return -1
			}
		}
	}
	return off
}

// presize gives an empty slab a chunk of n elements.
func presize[T any](s *[]T, n int) {
	if n > 0 && cap(*s) == 0 {
		*s = make([]T, 0, n)
	}
}

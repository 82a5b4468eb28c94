package classfile

import "encoding/binary"

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
	b, off := p.r.b, p.r.off
	var n struct {
		members, attrs, codes, handlers, lnts, lines, lvts, vars int
		smts, frames, vts, u2s, raws, sigs, excs, inners         int
	}
	u2 := func(at int) (int, bool) {
		if at < 0 || at+2 > len(b) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(b[at:])), true
	}
	kind := func(ni int) attrKind {
		e := &p.c.Pool.Entries
		if ni <= 0 || ni >= len(*e) || (*e)[ni].Tag != TagUtf8 {
			return kindUnknown
		}
		return p.kindOf(uint16(ni), (*e)[ni].Str)
	}
	// attrs walks an attribute list at loc from off and returns where it
	// ends, or -1.
	var attrs func(off int, loc location, static bool) int
	attrs = func(off int, loc location, static bool) int {
		count, ok := u2(off)
		if !ok {
			return -1
		}
		off += 2
		n.attrs += count
		for range count {
			ni, ok := u2(off)
			if !ok || off+6 > len(b) {
				return -1
			}
			length := int(binary.BigEndian.Uint32(b[off+2:]))
			body := off + 6
			if length < 0 || length > len(b)-body {
				return -1
			}
			off = body + length
			k := kind(ni)
			rule, ok := ruleOf(loc, k)
			if !ok || p.c.Major < rule.since || (rule.staticOnly && !static) {
				n.raws++
				continue
			}
			switch k {
			case kindSignature:
				n.sigs++
			case kindExceptions:
				n.excs++
				c, _ := u2(body)
				n.u2s += c
			case kindInnerClasses:
				c, _ := u2(body)
				n.inners += c
			case kindLineNumberTable:
				c, _ := u2(body)
				n.lnts++
				n.lines += c
			case kindLocalVariableTable, kindLocalVariableTypeTable:
				c, _ := u2(body)
				n.lvts++
				n.vars += c
			case kindStackMapTable:
				c, _ := u2(body)
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
				h, ok := u2(at)
				if !ok || at+2+8*h > off {
					return -1
				}
				n.handlers += h
				if attrs(at+2+8*h, locCode, false) < 0 {
					return -1
				}
			}
		}
		return off
	}
	for _, loc := range []location{locField, locMethod} {
		count, ok := u2(off)
		if !ok {
			return
		}
		off += 2
		n.members += count
		for range count {
			access, ok := u2(off)
			if !ok {
				return
			}
			if off = attrs(off+6, loc, loc == locField && AccessFlags(access).Has(AccStatic)); off < 0 {
				return
			}
		}
	}
	if attrs(off, locClass, false) < 0 {
		return
	}
	sl := &p.sl
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

// presize gives an empty slab a chunk of n elements.
func presize[T any](s *[]T, n int) {
	if n > 0 && cap(*s) == 0 {
		*s = make([]T, 0, n)
	}
}

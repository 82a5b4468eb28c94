package classfile

import (
	"encoding/binary"
	"fmt"
)

// StackMapError is why the JVM's reader of a StackMapTable stops. HotSpot
// has three kinds of it:
//
//   - the reader throws ClassFormatError (the table is cut short, a
//     verification type tag or class index is bad, bytes are left over, a
//     frame type is reserved): Thrown and ClassFormat; the class is refused,
//     at version 50 too;
//   - the verifier reports ClassFormatError (more locals or stack than the
//     method has, a chop of more locals than there are, an uninitialized type
//     that names no new): ClassFormat; at version 50 the JVM falls back to
//     type inference, which ignores the table;
//   - the verifier reports VerifyError (a frame at an offset where no
//     instruction starts): neither; again the fall back at version 50.
type StackMapError struct {
	Frame       int // the frame being read; -1 for number_of_entries or the end
	Msg         string
	ClassFormat bool
	Thrown      bool
}

// Refuses reports whether the error makes the JVM refuse a class of the
// given version with ClassFormatError, rather than fail verification or fall
// back to type inference.
func (e *StackMapError) Refuses(major uint16) bool {
	return e.Thrown || (e.ClassFormat && major >= 51)
}

func (e *StackMapError) Error() string {
	if e.Frame < 0 {
		return "StackMapTable: " + e.Msg
	}
	return fmt.Sprintf("StackMapTable frame %d: %s", e.Frame, e.Msg)
}

// CheckStackMap reads the StackMapTable of a method's code as HotSpot 17's
// StackMapReader does when it verifies the method, frame by frame, and
// returns the first problem, or nil. A method without a table, with an empty
// one (which the JVM takes for none), or whose code does not decode (the
// verifier fails before it reads the table) gives nil. See JVMS §4.7.4 and
// §4.10.1.
func CheckStackMap(c *Class, m *Member, code *Code) *StackMapError {
	var body []byte
	for _, a := range code.Attributes {
		switch a := a.(type) {
		case *RawAttribute:
			if a.AttrName == AttrStackMapTable {
				body = a.Info
			}
		case *StackMapTable:
			w := writer{c: c}
			w.stackMapTable(a)
			body = w.b
		default:
			continue
		}
		break
	}
	if len(body) == 0 {
		return nil
	}
	marks := instructionMarks(code.Code)
	if marks == nil {
		return nil
	}
	desc := c.Pool.Utf8(m.DescIndex)
	var locals []byte // per slot: 'x' a value, 'L' a long or double, 'h' its second half
	if !m.Access.Has(AccStatic) {
		locals = append(locals, 'x')
	}
	if _, err := walkParams(desc, func(t FieldType) {
		if t.Slots() == 2 {
			locals = append(locals, 'L', 'h')
		} else {
			locals = append(locals, 'x')
		}
	}); err != nil {
		return nil
	}
	r := stackMapReader{c: c, b: body, marks: marks, maxLocals: int(code.MaxLocals), maxStack: int(code.MaxStack)}
	return r.read(locals)
}

type stackMapReader struct {
	c                   *Class
	b                   []byte
	at                  int
	frame               int
	marks               []byte
	maxLocals, maxStack int
	err                 *StackMapError
}

// format is an error the reader throws.
func (r *stackMapReader) format(msg string) {
	if r.err == nil {
		r.err = &StackMapError{Frame: r.frame, Msg: msg, ClassFormat: true, Thrown: true}
	}
}

// verifierFormat is a ClassFormatError the verifier reports.
func (r *stackMapReader) verifierFormat(msg string) {
	if r.err == nil {
		r.err = &StackMapError{Frame: r.frame, Msg: msg, ClassFormat: true}
	}
}

// verify is a VerifyError.
func (r *stackMapReader) verify(msg string) {
	if r.err == nil {
		r.err = &StackMapError{Frame: r.frame, Msg: msg}
	}
}

func (r *stackMapReader) u1() int {
	if r.at >= len(r.b) {
		r.format("access beyond the end of attribute")
		return 0
	}
	r.at++
	return int(r.b[r.at-1])
}

func (r *stackMapReader) u2() int {
	if r.at+2 > len(r.b) {
		r.format("access beyond the end of attribute")
		return 0
	}
	r.at += 2
	return int(binary.BigEndian.Uint16(r.b[r.at-2:]))
}

// vtype reads one verification_type_info and appends its slots to ts.
func (r *stackMapReader) vtype(ts []byte) []byte {
	switch tag := r.u1(); {
	case r.err != nil:
	case tag == VTLong || tag == VTDouble:
		return append(ts, 'L', 'h')
	case tag < VTUninitializedThis:
		return append(ts, 'x')
	case tag == VTObject:
		i := r.u2()
		if e := r.c.Pool.Get(uint16(i)); r.err == nil && (e == nil || e.Tag != TagClass) {
			r.format("bad class index")
		}
		return append(ts, 'x')
	case tag == VTUninitializedThis:
		return append(ts, 'x')
	case tag == VTUninitialized:
		off := r.u2()
		if r.err == nil && (off >= len(r.marks) || r.marks[off] != markNew) {
			r.verifierFormat("bad offset for Uninitialized")
		}
		return append(ts, 'x')
	default:
		r.format("bad verification type")
	}
	return ts
}

func (r *stackMapReader) size(n, limit int, what string) {
	if n < 0 || n > limit {
		r.verifierFormat(fmt.Sprintf("bad type array size: %d %s, the method has %d", n, what, limit))
	}
}

func (r *stackMapReader) read(locals []byte) *StackMapError {
	r.frame = -1
	n := r.u2()
	offset := -1
	for i := 0; i < n && r.err == nil; i++ {
		r.frame = i
		t := r.u1()
		if r.err != nil {
			break
		}
		delta := t
		switch {
		case t < 64:
		case t < 128:
			delta = t - 64
			r.size(len(r.vtype(nil)), r.maxStack, "stack slots")
		default:
			delta = r.u2()
			switch {
			case t < FrameSameLocals1Ext:
				r.format("reserved frame type")
			case t == FrameSameLocals1Ext:
				r.size(len(r.vtype(nil)), r.maxStack, "stack slots")
			case t < FrameSameExt:
				for range FrameSameExt - t {
					k := len(locals) - 1
					if k >= 0 && locals[k] == 'h' {
						k--
					}
					if k < 0 {
						r.verifierFormat("bad type array size: a chop of more locals than there are")
						break
					}
					locals = locals[:k]
				}
			case t == FrameSameExt:
			case t <= FrameAppendMax:
				locals = append([]byte(nil), locals...)
				for range t - FrameSameExt {
					locals = r.vtype(locals)
				}
				r.size(len(locals), r.maxLocals, "local slots")
			default:
				var ls []byte
				for range r.u2() {
					if ls = r.vtype(ls); r.err != nil {
						break
					}
				}
				r.size(len(ls), r.maxLocals, "local slots")
				locals = ls
				var st []byte
				for range r.u2() {
					if st = r.vtype(st); r.err != nil {
						break
					}
				}
				r.size(len(st), r.maxStack, "stack slots")
			}
		}
		if r.err != nil {
			break
		}
		if i == 0 {
			offset = delta
		} else {
			offset += delta + 1
		}
		if offset >= len(r.marks) || r.marks[offset] == 0 {
			r.verify(fmt.Sprintf("bad offset %d", offset))
		}
	}
	if r.err == nil && r.at != len(r.b) {
		r.frame = -1
		r.format("wrong attribute size")
	}
	return r.err
}

// Instruction marks: what starts at a code offset.
const (
	markStart = 1 // an instruction
	markNew   = 2 // a new instruction, which an uninitialized type may name
)

// instructionMarks marks the start of every instruction of code, or returns
// nil if code does not decode (an unknown opcode, a wide prefix on an
// instruction it cannot modify, an instruction cut off). See JVMS §4.9.1,
// §6.5.
func instructionMarks(code []byte) []byte {
	marks := make([]byte, len(code))
	for off := 0; off < len(code); {
		op := code[off]
		n := int(opLength[op])
		switch op {
		case 0xaa, 0xab: // tableswitch, lookupswitch
			base := off + 4 - off%4
			if base+8 > len(code) {
				return nil
			}
			var k int64
			if op == 0xaa {
				if base+12 > len(code) {
					return nil
				}
				lo, hi := int32(binary.BigEndian.Uint32(code[base+4:])), int32(binary.BigEndian.Uint32(code[base+8:]))
				k = 12 + 4*(int64(hi)-int64(lo)+1)
			} else {
				k = 8 + 8*int64(int32(binary.BigEndian.Uint32(code[base+4:])))
			}
			if k < 0 || k > int64(len(code)-base) {
				return nil
			}
			n = base - off + int(k)
		case 0xc4: // wide
			if off+1 >= len(code) {
				return nil
			}
			switch w := code[off+1]; {
			case w == 0x84:
				n = 6
			case w >= 0x15 && w <= 0x19, w >= 0x36 && w <= 0x3a, w == 0xa9:
				n = 4
			default:
				return nil
			}
		}
		if n == 0 || off+n > len(code) {
			return nil
		}
		marks[off] = markStart
		if op == 0xbb {
			marks[off] = markNew
		}
		off += n
	}
	return marks
}

// opLength is the encoded length of each opcode of JVMS §6.5 with fixed
// length; 0 for opcodes the JVM does not define. The switches and wide are
// measured apart.
var opLength = func() (t [256]uint8) {
	for op := 0x00; op <= 0xc9; op++ {
		t[op] = 1
	}
	for _, op := range []int{0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc} {
		t[op] = 2
	}
	for _, op := range []int{0x11, 0x13, 0x14, 0x84, 0xbb, 0xbd, 0xc0, 0xc1, 0xc6, 0xc7} {
		t[op] = 3
	}
	for op := 0x99; op <= 0xa8; op++ { // if<cond>, if_icmp<cond>, if_acmp<cond>, goto, jsr
		t[op] = 3
	}
	for op := 0xb2; op <= 0xb8; op++ { // field access and invokes but invokeinterface, invokedynamic
		t[op] = 3
	}
	t[0xc5] = 4                                     // multianewarray
	t[0xb9], t[0xba], t[0xc8], t[0xc9] = 5, 5, 5, 5 // invokeinterface, invokedynamic, goto_w, jsr_w
	return t
}()

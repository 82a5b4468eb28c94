package classfile

import (
	"encoding/binary"
	"fmt"
	"slices"

	"dvmlab/internal/slab"
)

// Code: a method's bytecode. See JVMS §4.7.3.
type Code struct {
	Header
	MaxStack   uint16
	MaxLocals  uint16
	Code       []byte
	Handlers   []ExceptionHandler
	Attributes []Attribute
}

func (*Code) Name() string { return AttrCode }

// ExceptionHandler is one exception_table entry. CatchType 0 catches everything.
type ExceptionHandler struct {
	StartPC, EndPC, HandlerPC uint16
	CatchType                 uint16
}

// code reads a Code attribute and the attributes inside it. See JVMS §4.7.3.
func (p *parser) code() *Code {
	r := &p.r
	a := slab.One(&p.sl.codes)
	a.MaxStack = r.u2("max_stack")
	a.MaxLocals = r.u2("max_locals")
	n := r.u4("code_length")
	if r.err == nil && (n == 0 || n > 65535) {
		r.off -= 4
		r.fail("code_length %d is not in 1..65535", n)
	}
	a.Code = r.bytes(int(n), "code")
	h := r.count(8, "exception_table_length")
	if h > 0 {
		// count saw the h entries there: read them without a check each.
		a.Handlers = slab.Carve(&p.sl.handlers, h)
		b := r.b[r.off : r.off+8*h]
		for i := range a.Handlers {
			a.Handlers[i] = ExceptionHandler{u16(b, 8*i), u16(b, 8*i+2), u16(b, 8*i+4), u16(b, 8*i+6)}
		}
		r.off += 8 * h
	}
	a.Attributes = p.attributes(locCode)
	return a
}

func (w *writer) code(a *Code) {
	w.u2(a.MaxStack)
	w.u2(a.MaxLocals)
	if (len(a.Code) == 0 || len(a.Code) > 65535) && w.err == nil {
		w.err = fmt.Errorf("Code: code_length %d is not in 1..65535", len(a.Code))
	}
	w.u4(uint32(len(a.Code)))
	w.b = append(w.b, a.Code...)
	w.count("exception_table", len(a.Handlers))
	for _, h := range a.Handlers {
		w.u2(h.StartPC)
		w.u2(h.EndPC)
		w.u2(h.HandlerPC)
		w.u2(h.CatchType)
	}
	w.attributes(a.Attributes)
}

// LineNumberTable. See JVMS §4.7.12.
type LineNumberTable struct {
	Header
	Lines []LineNumber
}

func (*LineNumberTable) Name() string { return AttrLineNumberTable }

// LineNumber maps a code offset to a source line.
type LineNumber struct{ StartPC, Line uint16 }

// lineNumberTable reads LineNumberTable. See JVMS §4.7.12.
func (p *parser) lineNumberTable() *LineNumberTable {
	r := &p.r
	n := r.count(4, "line_number_table_length")
	a := slab.One(&p.sl.lnts)
	a.Lines = slab.Carve(&p.sl.lines, n)
	// count saw the n entries there: read them without a check each.
	b := r.b[r.off : r.off+4*n]
	for i := range a.Lines {
		a.Lines[i] = LineNumber{u16(b, 4*i), u16(b, 4*i+2)}
	}
	r.off += 4 * n
	return a
}

func (w *writer) lineNumberTable(a *LineNumberTable) {
	w.count("line numbers", len(a.Lines))
	for _, l := range a.Lines {
		w.u2(l.StartPC)
		w.u2(l.Line)
	}
}

// LocalVariableTable, and LocalVariableTypeTable when Types is set (then Desc
// is a signature). See JVMS §4.7.13 and §4.7.14.
type LocalVariableTable struct {
	Header
	Types bool
	Vars  []LocalVariable
}

func (a *LocalVariableTable) Name() string {
	if a.Types {
		return AttrLocalVariableTypeTable
	}
	return AttrLocalVariableTable
}

// LocalVariable is one local_variable_table entry.
type LocalVariable struct {
	StartPC, Length uint16
	NameIndex       uint16
	DescIndex       uint16
	Slot            uint16
}

// localVariableTable reads LocalVariableTable or, with types,
// LocalVariableTypeTable. See JVMS §4.7.13, §4.7.14.
func (p *parser) localVariableTable(types bool) *LocalVariableTable {
	r := &p.r
	n := r.count(10, "local_variable_table_length")
	a := slab.One(&p.sl.lvts)
	a.Types, a.Vars = types, slab.Carve(&p.sl.vars, n)
	// count saw the n entries there: read them without a check each.
	b := r.b[r.off : r.off+10*n]
	for i := range a.Vars {
		o := 10 * i
		a.Vars[i] = LocalVariable{u16(b, o), u16(b, o+2), u16(b, o+4), u16(b, o+6), u16(b, o+8)}
	}
	r.off += 10 * n
	return a
}

func (w *writer) localVariableTable(a *LocalVariableTable) {
	w.count("local variables", len(a.Vars))
	for _, v := range a.Vars {
		w.u2(v.StartPC)
		w.u2(v.Length)
		w.u2(v.NameIndex)
		w.u2(v.DescIndex)
		w.u2(v.Slot)
	}
}

// Instruction marks: what starts at a code offset.
const (
	markStart = 1 // an instruction
	markNew   = 2 // a new instruction, which an uninitialized type may name
)

// instructionMarks marks the start of every instruction of code, in buf's
// storage when it is large enough, or returns nil if code does not decode (an unknown opcode, a wide prefix on an
// instruction it cannot modify, an instruction cut off). See JVMS §4.9.1,
// §6.5.
func instructionMarks(code, buf []byte) []byte {
	marks := buf[:0]
	if cap(marks) < len(code) {
		marks = make([]byte, len(code))
	} else {
		marks = marks[:len(code)]
		clear(marks)
	}
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

// CodeSnapshot is a method's attributes and Code as they were when SaveCode
// took it: what a transformation that fails on one method, or must not
// touch it, puts back.
type CodeSnapshot struct {
	attrs []Attribute
	code  *Code
	copy  Code
}

// SaveCode snapshots m's attribute list and its Code: bytecode, exception
// table, and the Code attributes an edit rewrites in place (line numbers,
// local variables, type annotations) copied; others shared.
func SaveCode(m *Member) CodeSnapshot {
	s := CodeSnapshot{attrs: slices.Clone(m.Attributes), code: m.Code()}
	if s.code != nil {
		s.copy = *s.code
		s.copy.Code = slices.Clone(s.code.Code)
		s.copy.Handlers = slices.Clone(s.code.Handlers)
		s.copy.Attributes = make([]Attribute, len(s.code.Attributes))
		for i, a := range s.code.Attributes {
			s.copy.Attributes[i] = copyCodeAttribute(a)
		}
	}
	return s
}

// copyCodeAttribute copies the tables of a Code attribute that code
// editing remaps in place; other attributes are returned as they are.
func copyCodeAttribute(a Attribute) Attribute {
	switch t := a.(type) {
	case *LineNumberTable:
		c := *t
		c.Lines = slices.Clone(t.Lines)
		return &c
	case *LocalVariableTable:
		c := *t
		c.Vars = slices.Clone(t.Vars)
		return &c
	case *TypeAnnotations:
		c := *t
		c.Annotations = slices.Clone(t.Annotations)
		for i := range c.Annotations {
			c.Annotations[i].LocalVars = slices.Clone(c.Annotations[i].LocalVars)
		}
		return &c
	}
	return a
}

// Restore puts m's attributes and Code back as SaveCode found them.
func (s CodeSnapshot) Restore(m *Member) {
	m.Attributes = s.attrs
	if s.code != nil {
		*s.code = s.copy
	}
}

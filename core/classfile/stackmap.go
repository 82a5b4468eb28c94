package classfile

import (
	"encoding/binary"
	"fmt"

	"dvmlab/internal/slab"
)

// StackMapTable: verification frames. See JVMS §4.7.4.
type StackMapTable struct {
	Header
	Frames []StackMapFrame
}

func (*StackMapTable) Name() string { return AttrStackMapTable }

// Frame kinds, by the range of frame_type they occupy. See JVMS §4.7.4.
const (
	FrameSameMax           = 63  // same_frame: 0-63
	FrameSameLocals1Max    = 127 // same_locals_1_stack_item_frame: 64-127
	FrameSameLocals1Ext    = 247 // same_locals_1_stack_item_frame_extended
	FrameChopMin           = 248 // chop_frame: 248-250
	FrameChopMax           = 250
	FrameSameExt           = 251 // same_frame_extended
	FrameAppendMin         = 252 // append_frame: 252-254
	FrameAppendMax         = 254
	FrameFull              = 255 // full_frame
	frameReservedMaxPlus1  = 247
	frameSameLocals1Offset = 64
)

// StackMapFrame is one stack_map_frame. Type is the frame_type byte as read,
// which fixes the compressed form; OffsetDelta is the offset delta whether it
// was encoded in Type or stored explicitly. Locals holds the appended locals
// of an append frame or all locals of a full frame; Stack the one stack item
// of a same_locals_1 frame or the whole stack of a full frame.
type StackMapFrame struct {
	Type        uint8
	OffsetDelta uint16
	Locals      []VerificationType
	Stack       []VerificationType
}

// Verification type tags. See JVMS §4.7.4.
const (
	VTTop               = 0
	VTInteger           = 1
	VTFloat             = 2
	VTDouble            = 3
	VTLong              = 4
	VTNull              = 5
	VTUninitializedThis = 6
	VTObject            = 7
	VTUninitialized     = 8
)

// VerificationType is one verification_type_info. Data is the Class pool
// index of an Object type or the offset of the new of an Uninitialized type.
type VerificationType struct {
	Tag  uint8
	Data uint16
}

// stackMapTable parses frames keeping each frame_type byte, so the compressed
// form chosen by the compiler survives a round trip. See JVMS §4.7.4.
func (p *parser) stackMapTable() *StackMapTable {
	r := &p.r
	n := r.count(1, "number_of_entries")
	a := slab.One(&p.sl.smts)
	a.Frames = slab.Carve(&p.sl.frames, n)
	for i := range a.Frames {
		f := &a.Frames[i]
		f.Type = r.u1("frame_type")
		switch t := f.Type; {
		case t <= FrameSameMax:
			f.OffsetDelta = uint16(t)
		case t <= FrameSameLocals1Max:
			f.OffsetDelta = uint16(t - frameSameLocals1Offset)
			f.Stack = p.verificationTypes(1)
		case t < frameReservedMaxPlus1:
			r.off--
			r.fail("frame %d: reserved frame_type %d", i, t)
		case t == FrameSameLocals1Ext:
			f.OffsetDelta = r.u2("offset_delta")
			f.Stack = p.verificationTypes(1)
		case t <= FrameChopMax, t == FrameSameExt:
			f.OffsetDelta = r.u2("offset_delta")
		case t <= FrameAppendMax:
			f.OffsetDelta = r.u2("offset_delta")
			f.Locals = p.verificationTypes(int(t) - 251)
		default:
			f.OffsetDelta = r.u2("offset_delta")
			f.Locals = p.verificationTypes(r.count(1, "number_of_locals"))
			f.Stack = p.verificationTypes(r.count(1, "number_of_stack_items"))
		}
		if r.err != nil {
			return nil
		}
	}
	return a
}

func (p *parser) verificationTypes(n int) []VerificationType {
	r := &p.r
	if n == 0 || r.err != nil {
		return nil
	}
	out := slab.Carve(&p.sl.vts, n)
	for i := range out {
		v := &out[i]
		v.Tag = r.u1("verification_type_info tag")
		switch v.Tag {
		case VTTop, VTInteger, VTFloat, VTDouble, VTLong, VTNull, VTUninitializedThis:
		case VTObject:
			v.Data = r.u2("cpool_index")
		case VTUninitialized:
			v.Data = r.u2("offset")
		default:
			r.off--
			r.fail("unknown verification type tag %d", v.Tag)
		}
	}
	return out
}

// stackMapTable writes each frame in the form its Type names. See JVMS §4.7.4.
func (w *writer) stackMapTable(a *StackMapTable) {
	w.count("stack map frames", len(a.Frames))
	for i := range a.Frames {
		f := &a.Frames[i]
		w.u1(f.Type)
		switch t := f.Type; {
		case t <= FrameSameMax:
		case t <= FrameSameLocals1Max:
			w.verificationTypes(f.Stack)
		case t == FrameSameLocals1Ext:
			w.u2(f.OffsetDelta)
			w.verificationTypes(f.Stack)
		case t <= FrameSameExt:
			w.u2(f.OffsetDelta)
		case t <= FrameAppendMax:
			w.u2(f.OffsetDelta)
			w.verificationTypes(f.Locals)
		default:
			w.u2(f.OffsetDelta)
			w.count("frame locals", len(f.Locals))
			w.verificationTypes(f.Locals)
			w.count("frame stack", len(f.Stack))
			w.verificationTypes(f.Stack)
		}
	}
}

func (w *writer) verificationTypes(vs []VerificationType) {
	for _, v := range vs {
		w.u1(v.Tag)
		if v.Tag == VTObject || v.Tag == VTUninitialized {
			w.u2(v.Data)
		}
	}
}

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

func (e *StackMapError) Error() string {
	if e.Frame < 0 {
		return "StackMapTable: " + e.Msg
	}
	return fmt.Sprintf("StackMapTable frame %d: %s", e.Frame, e.Msg)
}

// Refuses reports whether the error makes the JVM refuse a class of the
// given version with ClassFormatError, rather than fail verification or fall
// back to type inference.
func (e *StackMapError) Refuses(major uint16) bool {
	return e.Thrown || (e.ClassFormat && major >= 51)
}

// CheckStackMap reads the StackMapTable of a method's code as HotSpot 17's
// StackMapReader does when it verifies the method, frame by frame, and
// returns the first problem, or nil. A method without a table, with an empty
// one (which the JVM takes for none), or whose code does not decode (the
// verifier fails before it reads the table) gives nil. See JVMS §4.7.4 and
// §4.10.1.
func CheckStackMap(c *Class, m *Member, code *Code) *StackMapError {
	var s stackMapScratch
	return s.check(c, m, code)
}

// stackMapScratch holds the buffers CheckStackMap needs, for a caller that
// checks many methods.
type stackMapScratch struct {
	body, marks, locals []byte
}

func (s *stackMapScratch) check(c *Class, m *Member, code *Code) *StackMapError {
	var body []byte
	for _, a := range code.Attributes {
		switch a := a.(type) {
		case *RawAttribute:
			if a.AttrName == AttrStackMapTable {
				body = a.Info
			}
		case *StackMapTable:
			w := writer{c: c, b: s.body[:0]}
			w.stackMapTable(a)
			body, s.body = w.b, w.b
		default:
			continue
		}
		break
	}
	if len(body) == 0 {
		return nil
	}
	marks := instructionMarks(code.Code, s.marks)
	if marks == nil {
		return nil
	}
	s.marks = marks
	desc := c.Pool.Utf8(m.DescIndex)
	locals := s.locals[:0] // per slot: 'x' a value, 'L' a long or double, 'h' its second half
	if !m.Access.Has(AccStatic) {
		locals = append(locals, 'x')
	}
	for i := 1; i < len(desc) && desc[i] != ')'; {
		t, next, err := NextFieldType(desc, i, false)
		if err != nil {
			return nil
		}
		if t.Slots() == 2 {
			locals = append(locals, 'L', 'h')
		} else {
			locals = append(locals, 'x')
		}
		i = next
	}
	s.locals = locals
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

// Frame is one StackMapTable frame with nothing left implicit: the code
// offset it applies at, all its locals and its whole stack, one entry per
// verification type (a long or double is one entry, not two slots), in the
// caller's type domain T.
type Frame[T any] struct {
	Offset int
	Locals []T
	Stack  []T
}

// ExpandFrames turns the compressed frames of t into full frames. See JVMS
// §4.7.4: the first frame's offset is its offset_delta and every later one's
// the previous offset plus offset_delta plus one; a same or same_locals_1
// frame keeps the previous frame's locals, a chop frame drops the last one to
// three of them, an append frame adds one to three, and a full frame states
// them all. The locals before the first frame are initial, those of the
// method's implicit initial frame (JVMS §4.10.1.6), one entry per value.
// conv maps a verification type into T; its error stops the expansion. So
// does a chop of more locals than there are, a reserved frame type, or a
// frame without the stack item its type promises.
//
// Frames may share their Locals: treat them as read-only. This is what the
// verifier's type checker and the frame computation's reading of declared
// frames both need, in their own type domains.
func ExpandFrames[T any](t *StackMapTable, initial []T, conv func(VerificationType) (T, error)) ([]Frame[T], error) {
	out := make([]Frame[T], 0, len(t.Frames))
	convAll := func(vs []VerificationType) ([]T, error) {
		if len(vs) == 0 {
			return nil, nil
		}
		ts := make([]T, len(vs))
		for i, v := range vs {
			x, err := conv(v)
			if err != nil {
				return nil, err
			}
			ts[i] = x
		}
		return ts, nil
	}
	locals := initial
	offset := -1
	for i := range t.Frames {
		f := &t.Frames[i]
		if i == 0 {
			offset = int(f.OffsetDelta)
		} else {
			offset += int(f.OffsetDelta) + 1
		}
		var stack []T
		var err error
		switch ft := f.Type; {
		case ft <= FrameSameMax || ft == FrameSameExt:
		case ft <= FrameSameLocals1Max || ft == FrameSameLocals1Ext:
			if len(f.Stack) != 1 {
				return nil, fmt.Errorf("stack map frame %d (at %d): same_locals_1_stack_item frame with %d stack items", i, offset, len(f.Stack))
			}
			stack, err = convAll(f.Stack)
		case ft < FrameSameLocals1Ext:
			return nil, fmt.Errorf("stack map frame %d: reserved frame_type %d", i, ft)
		case ft <= FrameChopMax:
			k := FrameSameExt - int(ft)
			if k > len(locals) {
				return nil, fmt.Errorf("stack map frame %d (at %d): chop of %d locals, there are %d", i, offset, k, len(locals))
			}
			locals = locals[: len(locals)-k : len(locals)-k]
		case ft <= FrameAppendMax:
			var add []T
			if add, err = convAll(f.Locals); err == nil {
				locals = append(locals[:len(locals):len(locals)], add...)
			}
		default:
			if locals, err = convAll(f.Locals); err == nil {
				stack, err = convAll(f.Stack)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("stack map frame %d (at %d): %w", i, offset, err)
		}
		out = append(out, Frame[T]{Offset: offset, Locals: locals, Stack: stack})
	}
	return out, nil
}

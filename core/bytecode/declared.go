package bytecode

import (
	"fmt"

	"dvmlab/core/classfile"
)

// declaredFrames expands m's StackMapTable into the frames it declares, by
// offset, in the analyzer's slot form (JVMS §4.7.4). Nil when m has none.
func declaredFrames(c *classfile.Class, m *classfile.Member, code *classfile.Code) (map[int]*frame, error) {
	var smt *classfile.StackMapTable
	for _, a := range code.Attributes {
		if t, ok := a.(*classfile.StackMapTable); ok {
			smt = t
		}
	}
	if smt == nil || len(smt.Frames) == 0 {
		return nil, nil
	}
	a := &analyzer{c: c, m: m}
	init, err := a.initialFrame()
	if err != nil {
		return nil, err
	}
	// Entries, not slots: a long is one entry here, as in the table.
	var prev []VType
	for i := 0; i < len(init.locals); i++ {
		prev = append(prev, init.locals[i])
		if init.locals[i].Size() == 2 {
			i++
		}
	}
	entry := func(v classfile.VerificationType) (VType, error) {
		switch v.Tag {
		case classfile.VTTop:
			return vTop, nil
		case classfile.VTInteger:
			return vInt, nil
		case classfile.VTFloat:
			return vFloat, nil
		case classfile.VTLong:
			return vLong, nil
		case classfile.VTDouble:
			return vDouble, nil
		case classfile.VTNull:
			return vNull, nil
		case classfile.VTUninitializedThis:
			return vUninitThis, nil
		case classfile.VTUninitialized:
			return VType{Kind: KUninit, Offset: int32(v.Data)}, nil
		case classfile.VTObject:
			return ref(c.Pool.ClassName(v.Data)), nil
		}
		return vTop, fmt.Errorf("verification type tag %d", v.Tag)
	}
	entries := func(vs []classfile.VerificationType) ([]VType, error) {
		out := make([]VType, 0, len(vs))
		for _, v := range vs {
			t, err := entry(v)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		return out, nil
	}
	slots := func(es []VType) []VType {
		out := make([]VType, 0, len(es)+2)
		for _, e := range es {
			out = append(out, e)
			if e.Size() == 2 {
				out = append(out, second(e))
			}
		}
		return out
	}
	out := map[int]*frame{}
	off := -1
	for k, f := range smt.Frames {
		off += int(f.OffsetDelta) + 1
		if k == 0 {
			off = int(f.OffsetDelta)
		}
		locals := prev
		var stack []VType
		switch t := f.Type; {
		case t <= classfile.FrameSameMax || t == classfile.FrameSameExt:
		case t <= classfile.FrameSameLocals1Max || t == classfile.FrameSameLocals1Ext:
			if stack, err = entries(f.Stack); err != nil {
				return nil, err
			}
		case t >= classfile.FrameChopMin && t <= classfile.FrameChopMax:
			n := len(prev) - int(251-t)
			if n < 0 {
				return nil, fmt.Errorf("frame %d chops %d of %d locals", k, 251-t, len(prev))
			}
			locals = prev[:n]
		case t >= classfile.FrameAppendMin && t <= classfile.FrameAppendMax:
			add, err := entries(f.Locals)
			if err != nil {
				return nil, err
			}
			locals = append(append([]VType(nil), prev...), add...)
		case t == classfile.FrameFull:
			if locals, err = entries(f.Locals); err != nil {
				return nil, err
			}
			if stack, err = entries(f.Stack); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("frame type %d", t)
		}
		prev = locals
		out[off] = &frame{locals: slots(locals), stack: slots(stack)}
	}
	return out, nil
}

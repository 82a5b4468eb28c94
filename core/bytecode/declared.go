package bytecode

import (
	"fmt"

	"dvmlab/core/classfile"
)

// declaredFrames expands m's StackMapTable into the frames it declares, by
// offset, in the analyzer's slot form (JVMS §4.7.4), its types numbered in
// lat. Nil when m has none.
func declaredFrames(lat *Lattice, c *classfile.Class, m *classfile.Member, code *classfile.Code) (map[int]*frame, error) {
	a := &analyzer{c: c, m: m, lat: lat}
	init, err := a.initialFrame()
	if err != nil {
		return nil, err
	}
	return expandStackMap(lat, c, m, code, init.locals, nil)
}

// expandStackMap expands the StackMapTable of code into full frames by
// offset, each frame's locals from the previous frame's (the first's from
// initLocals, the method's entry). See JVMS §4.7.4. With strict, an
// analyzer of the method, the table is read as HotSpot's type checker reads
// it: one table at most, frames at instruction starts, uninitialized types
// naming new instructions, Class entries that are class names, no more
// locals and stack than max_locals and max_stack (locals padded to it).
func expandStackMap(lat *Lattice, c *classfile.Class, m *classfile.Member, code *classfile.Code, initLocals []Type, strict *analyzer) (map[int]*frame, error) {
	var smt *classfile.StackMapTable
	n := 0
	for _, a := range code.Attributes {
		if t, ok := a.(*classfile.StackMapTable); ok {
			smt = t
			n++
		}
	}
	fail := func(off int, format string, args ...any) error {
		return &FrameError{Class: c.Name(), Method: c.MemberName(m) + c.MemberDesc(m), Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	if n > 1 && strict != nil {
		return nil, fail(-1, "more than one StackMapTable")
	}
	if smt == nil || len(smt.Frames) == 0 {
		return nil, nil
	}
	// Entries, not slots: a long is one entry here, as in the table; the
	// tops that pad the entry locals to max_locals are none.
	var prev []Type
	last := len(initLocals)
	for last > 0 && initLocals[last-1] == tTop {
		last--
	}
	for i := 0; i < last; i++ {
		prev = append(prev, initLocals[i])
		if initLocals[i].Size() == 2 {
			i++
		}
	}
	entry := func(v classfile.VerificationType, off int) (Type, error) {
		switch v.Tag {
		case classfile.VTTop, classfile.VTInteger, classfile.VTFloat, classfile.VTLong, classfile.VTDouble, classfile.VTNull, classfile.VTUninitializedThis:
			return simpleTypes[v.Tag], nil
		case classfile.VTUninitialized:
			if strict != nil {
				i, ok := strict.at.lookup(int(v.Data))
				if !ok || strict.insns[i].Op != New {
					return tTop, fail(off, "stack map frame: uninitialized(%d) is not at a new instruction", v.Data)
				}
			}
			return uninit(int(v.Data)), nil
		case classfile.VTObject:
			if strict != nil {
				if _, err := c.Pool.Lookup(v.Data, classfile.TagClass); err != nil {
					return tTop, fail(off, "stack map frame: %v", err)
				}
				if n := c.Pool.ClassName(v.Data); !classfile.ValidClassName(n, c.Major) {
					return tTop, fail(off, "stack map frame names %q", n)
				}
			}
			return lat.Ref(c.Pool.ClassName(v.Data)), nil
		}
		return tTop, fail(off, "stack map frame: unknown verification type %d", v.Tag)
	}
	entries := func(vs []classfile.VerificationType, off int) ([]Type, error) {
		out := make([]Type, 0, len(vs))
		for _, v := range vs {
			t, err := entry(v, off)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		return out, nil
	}
	slots := func(es []Type, limit int, what string, off int) ([]Type, error) {
		out := make([]Type, 0, max(limit, len(es)+2))
		for _, e := range es {
			out = append(out, e)
			if e.Size() == 2 {
				out = append(out, e.second())
			}
		}
		if strict != nil && len(out) > limit {
			return nil, fail(off, "stack map frame: %d %s slots, more than %d", len(out), what, limit)
		}
		return out, nil
	}
	out := map[int]*frame{}
	off := -1
	for k, f := range smt.Frames {
		off += int(f.OffsetDelta) + 1
		if k == 0 {
			off = int(f.OffsetDelta)
		}
		if strict != nil {
			if _, ok := strict.at.lookup(off); !ok || off >= len(code.Code) {
				return nil, fail(off, "stack map frame at %d, not the start of an instruction", off)
			}
		}
		locals := prev
		var stack []Type
		var err error
		switch t := f.Type; {
		case t <= classfile.FrameSameMax || t == classfile.FrameSameExt:
		case t <= classfile.FrameSameLocals1Max || t == classfile.FrameSameLocals1Ext:
			if len(f.Stack) != 1 {
				return nil, fail(off, "same_locals_1_stack_item frame without its item")
			}
			if stack, err = entries(f.Stack, off); err != nil {
				return nil, err
			}
		case t >= classfile.FrameChopMin && t <= classfile.FrameChopMax:
			n := len(prev) - int(classfile.FrameSameExt-t)
			if n < 0 {
				return nil, fail(off, "chop frame removes %d locals of %d", classfile.FrameSameExt-t, len(prev))
			}
			locals = prev[:n]
		case t >= classfile.FrameAppendMin && t <= classfile.FrameAppendMax:
			add, err := entries(f.Locals, off)
			if err != nil {
				return nil, err
			}
			locals = append(append([]Type(nil), prev...), add...)
		case t == classfile.FrameFull:
			if locals, err = entries(f.Locals, off); err != nil {
				return nil, err
			}
			if stack, err = entries(f.Stack, off); err != nil {
				return nil, err
			}
		default:
			return nil, fail(off, "stack map frame of reserved type %d", t)
		}
		prev = locals
		fr := &frame{}
		limit := 0
		if strict != nil {
			limit = strict.maxLocals
		}
		if fr.locals, err = slots(locals, limit, "local", off); err != nil {
			return nil, err
		}
		for len(fr.locals) < limit {
			fr.locals = append(fr.locals, tTop)
		}
		if strict != nil {
			limit = strict.maxStack
		}
		if fr.stack, err = slots(stack, limit, "stack", off); err != nil {
			return nil, err
		}
		if _, dup := out[off]; dup && strict != nil {
			return nil, fail(off, "two stack map frames at %d", off)
		}
		out[off] = fr
	}
	return out, nil
}

// simpleTypes are the verification types a tag alone gives. See JVMS §4.7.4.
var simpleTypes = [...]Type{classfile.VTTop: tTop, classfile.VTInteger: tInt, classfile.VTFloat: tFloat,
	classfile.VTLong: tLong, classfile.VTDouble: tDouble, classfile.VTNull: tNull, classfile.VTUninitializedThis: tUninitThis}

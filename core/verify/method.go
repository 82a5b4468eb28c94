package verify

import (
	"fmt"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
)

// state is the type state before an instruction: locals padded to
// max_locals, the operand stack in slots.
type state struct {
	locals []vtype
	stack  []vtype
}

func (s *state) clone() *state {
	return &state{locals: append([]vtype(nil), s.locals...), stack: append([]vtype(nil), s.stack...)}
}

// methodCheck verifies one method: the static constraints of its code
// (JVMS §4.9) and its types (§4.10).
func (v *verifier) methodCheck(m *classfile.Member) *Error {
	c := v.c
	name, desc := c.MemberName(m), c.MemberDesc(m)
	v.method = name + desc
	defer func() { v.method = "" }()
	code := m.Code()
	abstract := m.Access.Has(classfile.AccAbstract) || m.Access.Has(classfile.AccNative)
	switch {
	case abstract && code != nil:
		return v.fail(-1, "an abstract or native method has code")
	case !abstract && code == nil:
		return v.fail(-1, "a method that is neither abstract nor native has no code")
	case code == nil:
		return nil
	}
	if len(code.Code) == 0 || len(code.Code) > 65535 {
		return v.fail(-1, "code length %d is not in 1..65535", len(code.Code))
	}
	insns, err := bytecode.Decode(code.Code)
	if err != nil {
		return v.fail(-1, "code does not decode: %v", err)
	}
	mc := &methodCtx{v: v, m: m, code: code, insns: insns, name: name, desc: desc, at: map[int]int{}}
	for i := range insns {
		mc.at[insns[i].Offset] = i
	}
	if e := mc.static(); e != nil {
		return e
	}
	init, e := mc.initial()
	if e != nil {
		return e
	}
	if c.Major >= 50 {
		e := mc.typecheck(init)
		// Version 50 classes that fail type checking get the type-inference
		// verifier instead, as HotSpot does (FailOverToOldVerifier): their
		// compilers were allowed to emit tables the old verifier ignored.
		if e != nil && c.Major == 50 {
			init, _ := mc.initial()
			if mc.infer(init) == nil {
				return nil
			}
		}
		return e
	}
	return mc.infer(init)
}

type methodCtx struct {
	v          *verifier
	m          *classfile.Member
	code       *classfile.Code
	insns      []bytecode.Instruction
	name, desc string
	at         map[int]int // offset -> instruction index
	ret        vtype
}

// static checks the constraints JVMS §4.9.1 puts on code that the types do
// not cover: instruction boundaries for branches and handlers, operand
// kinds, local indices.
func (mc *methodCtx) static() *Error {
	v := mc.v
	pool := &v.c.Pool
	maxLocals := int(mc.code.MaxLocals)
	for i := range mc.insns {
		in := &mc.insns[i]
		for _, t := range in.BranchTargets() {
			if _, ok := mc.at[t]; !ok {
				return v.fail(in.Offset, "%s to %d, not the start of an instruction", in.Op, t)
			}
		}
		v.res.Static++
		switch in.Op {
		case bytecode.Iload, bytecode.Fload, bytecode.Aload, bytecode.Istore, bytecode.Fstore, bytecode.Astore, bytecode.Ret, bytecode.Iinc,
			bytecode.Iload0, bytecode.Iload1, bytecode.Iload2, bytecode.Iload3, bytecode.Fload0, bytecode.Fload1, bytecode.Fload2, bytecode.Fload3,
			bytecode.Aload0, bytecode.Aload1, bytecode.Aload2, bytecode.Aload3, bytecode.Istore0, bytecode.Istore1, bytecode.Istore2, bytecode.Istore3,
			bytecode.Fstore0, bytecode.Fstore1, bytecode.Fstore2, bytecode.Fstore3, bytecode.Astore0, bytecode.Astore1, bytecode.Astore2, bytecode.Astore3:
			if in.Index >= maxLocals {
				return v.fail(in.Offset, "%s: local %d is beyond max_locals %d", in.Op, in.Index, maxLocals)
			}
		case bytecode.Lload, bytecode.Dload, bytecode.Lstore, bytecode.Dstore,
			bytecode.Lload0, bytecode.Lload1, bytecode.Lload2, bytecode.Lload3, bytecode.Dload0, bytecode.Dload1, bytecode.Dload2, bytecode.Dload3,
			bytecode.Lstore0, bytecode.Lstore1, bytecode.Lstore2, bytecode.Lstore3, bytecode.Dstore0, bytecode.Dstore1, bytecode.Dstore2, bytecode.Dstore3:
			if in.Index+1 >= maxLocals {
				return v.fail(in.Offset, "%s: locals %d and %d are beyond max_locals %d", in.Op, in.Index, in.Index+1, maxLocals)
			}
		case bytecode.Ldc, bytecode.LdcW:
			k := pool.Get(uint16(in.Index))
			if k == nil {
				return v.fail(in.Offset, "%s #%d: no such constant", in.Op, in.Index)
			}
			ok := k.Tag == classfile.TagInteger || k.Tag == classfile.TagFloat || k.Tag == classfile.TagString ||
				(k.Tag == classfile.TagClass && v.c.Major >= 49) ||
				((k.Tag == classfile.TagMethodType || k.Tag == classfile.TagMethodHandle) && v.c.Major >= 51) ||
				(k.Tag == classfile.TagDynamic && v.c.Major >= 55)
			if k.Tag == classfile.TagDynamic && ok {
				_, d := pool.NameAndType(k.B)
				ok = d != "J" && d != "D"
			}
			if !ok {
				return v.fail(in.Offset, "%s #%d: %s is not loadable by %s in a version %d class", in.Op, in.Index, k.Tag, in.Op, v.c.Major)
			}
		case bytecode.Ldc2W:
			k := pool.Get(uint16(in.Index))
			ok := k != nil && (k.Tag == classfile.TagLong || k.Tag == classfile.TagDouble)
			if k != nil && k.Tag == classfile.TagDynamic && v.c.Major >= 55 {
				_, d := pool.NameAndType(k.B)
				ok = d == "J" || d == "D"
			}
			if !ok {
				return v.fail(in.Offset, "ldc2_w #%d is not a long or double constant", in.Index)
			}
		case bytecode.Getstatic, bytecode.Putstatic, bytecode.Getfield, bytecode.Putfield:
			if _, err := pool.Lookup(uint16(in.Index), classfile.TagFieldref); err != nil {
				return v.fail(in.Offset, "%s: %v", in.Op, err)
			}
		case bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokestatic:
			k := pool.Get(uint16(in.Index))
			ok := k != nil && (k.Tag == classfile.TagMethodref || (k.Tag == classfile.TagInterfaceMethodref && v.c.Major >= 52 && in.Op != bytecode.Invokevirtual))
			if !ok {
				return v.fail(in.Offset, "%s #%d is not a method reference it may use", in.Op, in.Index)
			}
			_, name, _ := pool.MemberRef(uint16(in.Index))
			if name == "<clinit>" || (name == "<init>" && in.Op != bytecode.Invokespecial) {
				return v.fail(in.Offset, "%s may not call %s", in.Op, name)
			}
		case bytecode.Invokeinterface:
			if _, err := pool.Lookup(uint16(in.Index), classfile.TagInterfaceMethodref); err != nil {
				return v.fail(in.Offset, "invokeinterface: %v", err)
			}
			_, name, desc := pool.MemberRef(uint16(in.Index))
			if name == "<init>" || name == "<clinit>" {
				return v.fail(in.Offset, "invokeinterface may not call %s", name)
			}
			params, _, err := methodType(desc)
			if err != nil {
				return v.fail(in.Offset, "%v", err)
			}
			n := 1
			for _, p := range params {
				n += p.size()
			}
			if in.Const != n || in.Zero != 0 {
				return v.fail(in.Offset, "invokeinterface count %d, the arguments take %d (and the last byte must be 0)", in.Const, n)
			}
		case bytecode.Invokedynamic:
			if v.c.Major < 51 {
				return v.fail(in.Offset, "invokedynamic in a version %d class", v.c.Major)
			}
			if _, err := pool.Lookup(uint16(in.Index), classfile.TagInvokeDynamic); err != nil {
				return v.fail(in.Offset, "invokedynamic: %v", err)
			}
			if in.Zero != 0 {
				return v.fail(in.Offset, "invokedynamic's last two bytes must be 0")
			}
		case bytecode.New, bytecode.Checkcast, bytecode.Instanceof, bytecode.Anewarray, bytecode.Multianewarray:
			if _, err := pool.Lookup(uint16(in.Index), classfile.TagClass); err != nil {
				return v.fail(in.Offset, "%s: %v", in.Op, err)
			}
			n := pool.ClassName(uint16(in.Index))
			if !validClassName(n) {
				return v.fail(in.Offset, "%s: %q is not a class name", in.Op, n)
			}
			if in.Op == bytecode.New && n[0] == '[' {
				return v.fail(in.Offset, "new of an array class %s", n)
			}
			if in.Op == bytecode.Anewarray && countDims(n)+1 > 255 {
				return v.fail(in.Offset, "anewarray would make more than 255 dimensions")
			}
			if in.Op == bytecode.Multianewarray && (in.Const < 1 || countDims(n) < in.Const) {
				return v.fail(in.Offset, "multianewarray of %d dimensions on %s", in.Const, n)
			}
		case bytecode.Newarray:
			if in.Index < 4 || in.Index > 11 {
				return v.fail(in.Offset, "newarray of unknown type %d", in.Index)
			}
		case bytecode.Jsr, bytecode.JsrW:
			if v.c.Major >= 51 {
				return v.fail(in.Offset, "%s in a version %d class", in.Op, v.c.Major)
			}
		}
		if in.Op == bytecode.Ret && v.c.Major >= 51 {
			return v.fail(in.Offset, "ret in a version %d class", v.c.Major)
		}
	}
	end := len(mc.code.Code)
	for _, h := range mc.code.Handlers {
		if _, ok := mc.at[int(h.StartPC)]; !ok {
			return v.fail(int(h.StartPC), "exception range start %d is not an instruction", h.StartPC)
		}
		if _, ok := mc.at[int(h.EndPC)]; !ok && int(h.EndPC) != end {
			return v.fail(int(h.EndPC), "exception range end %d is not an instruction", h.EndPC)
		}
		if h.StartPC >= h.EndPC {
			return v.fail(int(h.StartPC), "empty exception range [%d, %d)", h.StartPC, h.EndPC)
		}
		if _, ok := mc.at[int(h.HandlerPC)]; !ok {
			return v.fail(int(h.HandlerPC), "handler %d is not an instruction", h.HandlerPC)
		}
		if h.CatchType != 0 {
			if _, err := pool.Lookup(h.CatchType, classfile.TagClass); err != nil {
				return v.fail(int(h.HandlerPC), "catch type: %v", err)
			}
		}
	}
	return nil
}

func countDims(n string) int {
	d := 0
	for d < len(n) && n[d] == '[' {
		d++
	}
	return d
}

// initial is the type state on entry. See JVMS §4.10.1.6.
func (mc *methodCtx) initial() (*state, *Error) {
	v := mc.v
	params, ret, err := methodType(mc.desc)
	if err != nil {
		return nil, v.fail(-1, "%v", err)
	}
	mc.ret = ret
	var ls []vtype
	if !mc.m.Access.Has(classfile.AccStatic) {
		if mc.name == "<init>" && v.c.Name() != "java/lang/Object" {
			ls = append(ls, vtype{k: kUninitThis})
		} else {
			ls = append(ls, ref(v.c.Name()))
		}
	}
	for _, p := range params {
		ls = append(ls, p)
		if p.size() == 2 {
			ls = append(ls, p.second())
		}
	}
	if len(ls) > int(mc.code.MaxLocals) {
		return nil, v.fail(0, "the arguments take %d locals, max_locals is %d", len(ls), mc.code.MaxLocals)
	}
	for len(ls) < int(mc.code.MaxLocals) {
		ls = append(ls, top)
	}
	return &state{locals: ls}, nil
}

// frames expands the StackMapTable into full type states by offset. See
// JVMS §4.7.4.
func (mc *methodCtx) frames(init *state) (map[int]*state, *Error) {
	v := mc.v
	out := map[int]*state{}
	var smt *classfile.StackMapTable
	n := 0
	for _, a := range mc.code.Attributes {
		if t, ok := a.(*classfile.StackMapTable); ok {
			smt = t
			n++
		}
	}
	if n > 1 {
		return nil, v.fail(-1, "more than one StackMapTable")
	}
	if smt == nil {
		return out, nil
	}
	maxLocals := int(mc.code.MaxLocals)
	// The previous frame's locals, compressed (a long is one entry).
	var prev []vtype
	for k := 0; k < len(init.locals); {
		t := init.locals[k]
		if t.k == kTop && allTop(init.locals[k:]) {
			break
		}
		prev = append(prev, t)
		k += t.size()
	}
	conv := func(vt classfile.VerificationType, off int) (vtype, *Error) {
		switch vt.Tag {
		case classfile.VTTop:
			return top, nil
		case classfile.VTInteger:
			return tInt, nil
		case classfile.VTFloat:
			return tFloat, nil
		case classfile.VTLong:
			return tLong, nil
		case classfile.VTDouble:
			return tDouble, nil
		case classfile.VTNull:
			return tNull, nil
		case classfile.VTUninitializedThis:
			return vtype{k: kUninitThis}, nil
		case classfile.VTObject:
			if _, err := v.c.Pool.Lookup(vt.Data, classfile.TagClass); err != nil {
				return top, v.fail(off, "stack map frame: %v", err)
			}
			n := v.c.Pool.ClassName(vt.Data)
			if !validClassName(n) {
				return top, v.fail(off, "stack map frame names %q", n)
			}
			return ref(n), nil
		case classfile.VTUninitialized:
			i, ok := mc.at[int(vt.Data)]
			if !ok || mc.insns[i].Op != bytecode.New {
				return top, v.fail(off, "stack map frame: uninitialized(%d) is not at a new instruction", vt.Data)
			}
			return vtype{k: kUninit, off: int32(vt.Data)}, nil
		}
		return top, v.fail(off, "stack map frame: unknown verification type %d", vt.Tag)
	}
	expand := func(ts []vtype, limit int, what string, off int) ([]vtype, *Error) {
		var slots []vtype
		for _, t := range ts {
			slots = append(slots, t)
			if t.size() == 2 {
				slots = append(slots, t.second())
			}
		}
		if len(slots) > limit {
			return nil, v.fail(off, "stack map frame: %d %s slots, more than %d", len(slots), what, limit)
		}
		return slots, nil
	}
	off := -1
	for fi, f := range smt.Frames {
		if fi == 0 {
			off = int(f.OffsetDelta)
		} else {
			off += int(f.OffsetDelta) + 1
		}
		if _, ok := mc.at[off]; !ok {
			return nil, v.fail(off, "stack map frame at %d, not the start of an instruction", off)
		}
		var locals []vtype
		var stack []vtype
		t := f.Type
		switch {
		case t <= classfile.FrameSameMax || t == classfile.FrameSameExt:
			locals = prev
		case t <= classfile.FrameSameLocals1Max || t == classfile.FrameSameLocals1Ext:
			locals = prev
			if len(f.Stack) != 1 {
				return nil, v.fail(off, "same_locals_1_stack_item frame without its item")
			}
			s, e := conv(f.Stack[0], off)
			if e != nil {
				return nil, e
			}
			stack = []vtype{s}
		case t >= classfile.FrameChopMin && t <= classfile.FrameChopMax:
			k := int(classfile.FrameSameExt) - int(t)
			if k > len(prev) {
				return nil, v.fail(off, "chop frame removes %d locals of %d", k, len(prev))
			}
			locals = prev[:len(prev)-k]
		case t >= classfile.FrameAppendMin && t <= classfile.FrameAppendMax:
			locals = append([]vtype(nil), prev...)
			for _, l := range f.Locals {
				x, e := conv(l, off)
				if e != nil {
					return nil, e
				}
				locals = append(locals, x)
			}
		case t == classfile.FrameFull:
			for _, l := range f.Locals {
				x, e := conv(l, off)
				if e != nil {
					return nil, e
				}
				locals = append(locals, x)
			}
			for _, l := range f.Stack {
				x, e := conv(l, off)
				if e != nil {
					return nil, e
				}
				stack = append(stack, x)
			}
		default:
			return nil, v.fail(off, "stack map frame of reserved type %d", t)
		}
		prev = locals
		ls, e := expand(locals, maxLocals, "local", off)
		if e != nil {
			return nil, e
		}
		for len(ls) < maxLocals {
			ls = append(ls, top)
		}
		ss, e := expand(stack, int(mc.code.MaxStack), "stack", off)
		if e != nil {
			return nil, e
		}
		if _, dup := out[off]; dup {
			return nil, v.fail(off, "two stack map frames at %d", off)
		}
		out[off] = &state{locals: ls, stack: ss}
	}
	return out, nil
}

func allTop(ts []vtype) bool {
	for _, t := range ts {
		if t.k != kTop {
			return false
		}
	}
	return true
}

// assignableState: every slot of s may be used as t's (JVMS §4.10.1.4,
// frameIsAssignable).
func (mc *methodCtx) assignableState(s, t *state) string {
	if len(s.stack) != len(t.stack) {
		return fmt.Sprintf("stack height %d where the frame has %d", len(s.stack), len(t.stack))
	}
	for i := range s.stack {
		if !mc.v.hier.assignable(s.stack[i], t.stack[i]) {
			return fmt.Sprintf("stack slot %d holds %s where the frame has %s", i, s.stack[i], t.stack[i])
		}
	}
	for i := range t.locals {
		if !mc.v.hier.assignable(s.locals[i], t.locals[i]) {
			return fmt.Sprintf("local %d holds %s where the frame has %s", i, s.locals[i], t.locals[i])
		}
	}
	return ""
}

// typecheck is the type-checking verifier: one pass in code order, each
// instruction's rule applied to the state before it, which is the frame
// at that offset if there is one, else what the previous instruction left.
// Branches and handlers must land on frames the state is assignable to.
func (mc *methodCtx) typecheck(init *state) *Error {
	v := mc.v
	frames, e := mc.frames(init)
	if e != nil {
		return e
	}
	cur := init.clone()
	fallsIn := true
	for i := range mc.insns {
		in := &mc.insns[i]
		if f, ok := frames[in.Offset]; ok {
			if fallsIn {
				if why := mc.assignableState(cur, f); why != "" {
					return v.fail(in.Offset, "the state falling in does not match the frame: %s", why)
				}
			}
			cur = f.clone()
		} else if !fallsIn {
			return v.fail(in.Offset, "no stack map frame after an unconditional branch")
		}
		// Handlers covering a store are checked against the locals before
		// it, the incoming state of JVMS §4.10.1.6; all others against the
		// state after the instruction, where an <init> call has turned the
		// object initialized (HotSpot's order).
		store := isStore(in.Op)
		if store {
			if e := mc.checkHandlers(in, cur, frames); e != nil {
				return e
			}
		}
		x := &exec{mc: mc, in: in, s: cur, maxStack: int(mc.code.MaxStack)}
		x.run()
		if x.err != nil {
			return x.err
		}
		if !store {
			if e := mc.checkHandlers(in, cur, frames); e != nil {
				return e
			}
		}
		for _, t := range in.BranchTargets() {
			f, ok := frames[t]
			if !ok {
				return v.fail(in.Offset, "%s to %d, where there is no stack map frame", in.Op, t)
			}
			if why := mc.assignableState(cur, f); why != "" {
				return v.fail(in.Offset, "%s to %d: %s", in.Op, t, why)
			}
		}
		fallsIn = !in.EndsBlock()
	}
	if fallsIn {
		return v.fail(mc.insns[len(mc.insns)-1].Offset, "execution falls off the end of the code")
	}
	return nil
}

func (mc *methodCtx) checkHandlers(in *bytecode.Instruction, cur *state, frames map[int]*state) *Error {
	for _, h := range mc.code.Handlers {
		if in.Offset < int(h.StartPC) || in.Offset >= int(h.EndPC) {
			continue
		}
		f, ok := frames[int(h.HandlerPC)]
		if !ok {
			return mc.v.fail(in.Offset, "handler %d has no stack map frame", h.HandlerPC)
		}
		ex := mc.caught(h)
		if h.CatchType != 0 && !mc.v.hier.refAssignable(ex.name, "java/lang/Throwable") {
			return mc.v.fail(int(h.HandlerPC), "catch type %s is not a Throwable", ex.name)
		}
		// uninitializedThis in a handler's locals stays as the frame says
		// (JVMS §4.10.1.6: the flag is carried, the type checked as is).
		s := &state{locals: cur.locals, stack: []vtype{ex}}
		if why := mc.assignableState(s, f); why != "" {
			return mc.v.fail(in.Offset, "handler at %d: %s", h.HandlerPC, why)
		}
	}
	return nil
}

func isStore(op bytecode.Opcode) bool {
	switch op {
	case bytecode.Istore, bytecode.Lstore, bytecode.Fstore, bytecode.Dstore, bytecode.Astore,
		bytecode.Istore0, bytecode.Istore1, bytecode.Istore2, bytecode.Istore3,
		bytecode.Lstore0, bytecode.Lstore1, bytecode.Lstore2, bytecode.Lstore3,
		bytecode.Fstore0, bytecode.Fstore1, bytecode.Fstore2, bytecode.Fstore3,
		bytecode.Dstore0, bytecode.Dstore1, bytecode.Dstore2, bytecode.Dstore3,
		bytecode.Astore0, bytecode.Astore1, bytecode.Astore2, bytecode.Astore3:
		return true
	}
	return false
}

// caught is the type a handler finds on its stack: its catch type, or
// Throwable for a finally (catch type 0).
func (mc *methodCtx) caught(h classfile.ExceptionHandler) vtype {
	if h.CatchType == 0 {
		return tThrowable
	}
	return classType(mc.v.c.Pool.ClassName(h.CatchType))
}

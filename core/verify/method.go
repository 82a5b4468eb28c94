package verify

import (
	"errors"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
)

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
	d := &domain{v: v, lat: v.lat}
	err = bytecode.Check(c, m, insns, d, c.Major >= 50)
	// Version 50 classes that fail type checking get the type-inference
	// verifier instead, as HotSpot does (FailOverToOldVerifier): their
	// compilers were allowed to emit tables the old verifier ignored.
	if err != nil && c.Major == 50 && bytecode.Check(c, m, insns, d, false) == nil {
		return nil
	}
	if err != nil {
		var fe *bytecode.FrameError
		if errors.As(err, &fe) {
			return v.fail(fe.Offset, "%s", fe.Msg)
		}
		return v.fail(-1, "%v", err)
	}
	return nil
}

type methodCtx struct {
	v          *verifier
	m          *classfile.Member
	code       *classfile.Code
	insns      []bytecode.Instruction
	name, desc string
	at         map[int]int // offset -> instruction index
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
			owner, name, desc := pool.MemberRef(uint16(in.Index))
			if owner == "" || owner[0] == '[' || !validUnqualified(name) {
				return v.fail(in.Offset, "%s: bad field reference %s.%s", in.Op, owner, name)
			}
			if _, err := fieldType(desc); err != nil {
				return v.fail(in.Offset, "%s: %v", in.Op, err)
			}
		case bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokestatic:
			k := pool.Get(uint16(in.Index))
			ok := k != nil && (k.Tag == classfile.TagMethodref || (k.Tag == classfile.TagInterfaceMethodref && v.c.Major >= 52 && in.Op != bytecode.Invokevirtual))
			if !ok {
				return v.fail(in.Offset, "%s #%d is not a method reference it may use", in.Op, in.Index)
			}
			owner, name, desc := pool.MemberRef(uint16(in.Index))
			if owner == "" {
				return v.fail(in.Offset, "%s: bad method reference", in.Op)
			}
			if _, _, err := methodType(desc); err != nil {
				return v.fail(in.Offset, "%s: %v", in.Op, err)
			}
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
				n += p.Size()
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

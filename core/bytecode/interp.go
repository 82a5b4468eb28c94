package bytecode

import (
	"dvmlab/core/classfile"
)

// execute applies instruction i to f (its entry state, which it mutates into
// the exit state) and reports whether it changed the locals. It
// computes types rather than checking them: checking is the verifier's job
// (core/verify); here only what frames need is derived, and only structural
// impossibilities (stack underflow, unknown constants) are errors.
// See JVMS §4.10.1.9 for each instruction's type rule.
func (a *analyzer) execute(i int, f *frame) (localsChanged bool, err error) {
	in := &a.insns[i]
	x := exec{a: a, f: f, off: in.Offset}
	pool := &a.c.Pool
	op := in.Op
	switch op {
	case Nop:
	case AconstNull:
		x.push(vNull)
	case IconstM1, Iconst0, Iconst1, Iconst2, Iconst3, Iconst4, Iconst5, Bipush, Sipush:
		x.push(vInt)
	case Lconst0, Lconst1:
		x.push(vLong)
	case Fconst0, Fconst1, Fconst2:
		x.push(vFloat)
	case Dconst0, Dconst1:
		x.push(vDouble)
	case Ldc, LdcW, Ldc2W:
		c := pool.Get(uint16(in.Index))
		if c == nil {
			return false, a.fail(in.Offset, "%s #%d: no such constant", op, in.Index)
		}
		switch c.Tag {
		case classfile.TagInteger:
			x.push(vInt)
		case classfile.TagFloat:
			x.push(vFloat)
		case classfile.TagLong:
			x.push(vLong)
		case classfile.TagDouble:
			x.push(vDouble)
		case classfile.TagString:
			x.push(ref("java/lang/String"))
		case classfile.TagClass:
			x.push(ref("java/lang/Class"))
		case classfile.TagMethodType:
			x.push(ref("java/lang/invoke/MethodType"))
		case classfile.TagMethodHandle:
			x.push(ref("java/lang/invoke/MethodHandle"))
		case classfile.TagDynamic:
			_, d := pool.NameAndType(c.B)
			x.push(typeOfDesc(d))
		default:
			return false, a.fail(in.Offset, "%s #%d: %s is not loadable", op, in.Index, c.Tag)
		}
	case Iload, Iload0, Iload1, Iload2, Iload3:
		x.load(in.Index, vInt)
	case Lload, Lload0, Lload1, Lload2, Lload3:
		x.load(in.Index, vLong)
	case Fload, Fload0, Fload1, Fload2, Fload3:
		x.load(in.Index, vFloat)
	case Dload, Dload0, Dload1, Dload2, Dload3:
		x.load(in.Index, vDouble)
	case Aload, Aload0, Aload1, Aload2, Aload3:
		x.load(in.Index, vTop)
	case Iaload, Baload, Caload, Saload:
		x.pop(2)
		x.push(vInt)
	case Laload:
		x.pop(2)
		x.push(vLong)
	case Faload:
		x.pop(2)
		x.push(vFloat)
	case Daload:
		x.pop(2)
		x.push(vDouble)
	case Aaload:
		x.pop(1)
		arr := x.pop1()
		switch {
		case arr.Kind == KRef && len(arr.Name) > 1 && arr.Name[0] == '[':
			x.push(elementType(arr.Name))
		case arr.Kind == KNull:
			x.push(vNull)
		default:
			x.push(ref("java/lang/Object"))
		}
	case Istore, Istore0, Istore1, Istore2, Istore3,
		Fstore, Fstore0, Fstore1, Fstore2, Fstore3,
		Astore, Astore0, Astore1, Astore2, Astore3:
		x.store(in.Index, x.pop1())
		localsChanged = true
	case Lstore, Lstore0, Lstore1, Lstore2, Lstore3,
		Dstore, Dstore0, Dstore1, Dstore2, Dstore3:
		x.pop(1)
		x.store(in.Index, x.pop1())
		localsChanged = true
	case Iastore, Fastore, Aastore, Bastore, Castore, Sastore:
		x.pop(3)
	case Lastore, Dastore:
		x.pop(4)
	case Pop:
		x.pop(1)
	case Pop2:
		x.pop(2)
	case Dup:
		v := x.pop1()
		x.pushSlots(v, v)
	case DupX1:
		v1, v2 := x.pop1(), x.pop1()
		x.pushSlots(v1, v2, v1)
	case DupX2:
		v1, v2, v3 := x.pop1(), x.pop1(), x.pop1()
		x.pushSlots(v1, v3, v2, v1)
	case Dup2:
		v1, v2 := x.pop1(), x.pop1()
		x.pushSlots(v2, v1, v2, v1)
	case Dup2X1:
		v1, v2, v3 := x.pop1(), x.pop1(), x.pop1()
		x.pushSlots(v2, v1, v3, v2, v1)
	case Dup2X2:
		v1, v2, v3, v4 := x.pop1(), x.pop1(), x.pop1(), x.pop1()
		x.pushSlots(v2, v1, v4, v3, v2, v1)
	case Swap:
		v1, v2 := x.pop1(), x.pop1()
		x.pushSlots(v1, v2)
	case Iadd, Isub, Imul, Idiv, Irem, Ishl, Ishr, Iushr, Iand, Ior, Ixor:
		x.pop(2)
		x.push(vInt)
	case Ladd, Lsub, Lmul, Ldiv, Lrem, Land, Lor, Lxor:
		x.pop(4)
		x.push(vLong)
	case Lshl, Lshr, Lushr:
		x.pop(3)
		x.push(vLong)
	case Fadd, Fsub, Fmul, Fdiv, Frem:
		x.pop(2)
		x.push(vFloat)
	case Dadd, Dsub, Dmul, Ddiv, Drem:
		x.pop(4)
		x.push(vDouble)
	case Ineg:
		x.pop(1)
		x.push(vInt)
	case Lneg:
		x.pop(2)
		x.push(vLong)
	case Fneg:
		x.pop(1)
		x.push(vFloat)
	case Dneg:
		x.pop(2)
		x.push(vDouble)
	case Iinc:
		x.store(in.Index, vInt)
		localsChanged = true
	case I2l, F2l:
		x.pop(1)
		x.push(vLong)
	case I2f:
		x.pop(1)
		x.push(vFloat)
	case I2d, F2d:
		x.pop(1)
		x.push(vDouble)
	case L2i, D2i:
		x.pop(2)
		x.push(vInt)
	case L2f, D2f:
		x.pop(2)
		x.push(vFloat)
	case L2d:
		x.pop(2)
		x.push(vDouble)
	case D2l:
		x.pop(2)
		x.push(vLong)
	case F2i, I2b, I2c, I2s:
		x.pop(1)
		x.push(vInt)
	case Lcmp, Dcmpl, Dcmpg:
		x.pop(4)
		x.push(vInt)
	case Fcmpl, Fcmpg:
		x.pop(2)
		x.push(vInt)
	case Ifeq, Ifne, Iflt, Ifge, Ifgt, Ifle, Ifnull, Ifnonnull:
		x.pop(1)
	case IfIcmpeq, IfIcmpne, IfIcmplt, IfIcmpge, IfIcmpgt, IfIcmple, IfAcmpeq, IfAcmpne:
		x.pop(2)
	case Goto, GotoW:
	case Jsr, JsrW:
		// Only old classes may use subroutines; flow handles the jump.
		if !a.old {
			return false, a.fail(in.Offset, "%s in a class of version %d (jsr/ret need version < 50)", op, a.c.Major)
		}
	case Ret:
		x.load(in.Index, vTop)
		x.pop(1)
	case Tableswitch, Lookupswitch:
		x.pop(1)
	case Ireturn, Freturn, Areturn:
		x.pop(1)
	case Lreturn, Dreturn:
		x.pop(2)
	case Return, Athrow:
	case Getstatic, Putstatic, Getfield, Putfield:
		_, _, desc := pool.MemberRef(uint16(in.Index))
		t := typeOfDesc(desc)
		switch op {
		case Getstatic:
			x.push(t)
		case Putstatic:
			x.pop(t.Size())
		case Getfield:
			x.pop(1)
			x.push(t)
		case Putfield:
			x.pop(t.Size() + 1)
		}
	case Invokevirtual, Invokespecial, Invokestatic, Invokeinterface, Invokedynamic:
		var name, desc, owner string
		if op == Invokedynamic {
			c := pool.Get(uint16(in.Index))
			if c == nil || c.Tag != classfile.TagInvokeDynamic {
				return false, a.fail(in.Offset, "invokedynamic #%d is not an InvokeDynamic constant", in.Index)
			}
			name, desc = pool.NameAndType(c.B)
		} else {
			owner, name, desc = pool.MemberRef(uint16(in.Index))
		}
		slots, ret, err := ArgSlots(desc)
		if err != nil {
			return false, a.fail(in.Offset, "%s #%d: %v", op, in.Index, err)
		}
		x.pop(slots)
		if op != Invokestatic && op != Invokedynamic {
			recv := x.pop1()
			if op == Invokespecial && name == "<init>" {
				localsChanged = x.initialize(recv, owner)
			}
		}
		if ret.Kind != KTop {
			x.push(ret)
		}
	case New:
		x.push(VType{Kind: KUninit, Offset: int32(in.Offset)})
	case Newarray:
		x.pop(1)
		x.push(ref(newarrayType(in.Index)))
	case Anewarray:
		x.pop(1)
		x.push(ref(arrayOf(classType(pool.ClassName(uint16(in.Index))))))
	case Arraylength:
		x.pop(1)
		x.push(vInt)
	case Checkcast:
		x.pop(1)
		x.push(classType(pool.ClassName(uint16(in.Index))))
	case Instanceof:
		x.pop(1)
		x.push(vInt)
	case Monitorenter, Monitorexit:
		x.pop(1)
	case Multianewarray:
		x.pop(in.Const)
		x.push(classType(pool.ClassName(uint16(in.Index))))
	default:
		return false, a.fail(in.Offset, "opcode %s not handled", op)
	}
	return localsChanged, x.err
}

// newarrayType names the array type of a newarray atype. See JVMS §6.5.newarray.
func newarrayType(atype int) string {
	switch atype {
	case 4:
		return "[Z"
	case 5:
		return "[C"
	case 6:
		return "[F"
	case 7:
		return "[D"
	case 8:
		return "[B"
	case 9:
		return "[S"
	case 10:
		return "[I"
	case 11:
		return "[J"
	}
	return "[I"
}

// exec is the state of executing one instruction.
type exec struct {
	a   *analyzer
	f   *frame
	off int
	err error
}

func (x *exec) push(v VType) {
	x.f.stack = append(x.f.stack, v)
	if v.Size() == 2 {
		x.f.stack = append(x.f.stack, second(v))
	}
	x.a.noteStack(len(x.f.stack))
}

// pushSlots pushes raw slots (for the dup family, which copies halves).
func (x *exec) pushSlots(vs ...VType) {
	x.f.stack = append(x.f.stack, vs...)
	x.a.noteStack(len(x.f.stack))
}

func (x *exec) pop(n int) {
	if len(x.f.stack) < n {
		if x.err == nil {
			x.err = x.a.fail(x.off, "stack underflow: need %d slots, have %d", n, len(x.f.stack))
		}
		x.f.stack = x.f.stack[:0]
		return
	}
	x.f.stack = x.f.stack[:len(x.f.stack)-n]
}

// pop1 pops one slot; for a long or double on top it returns the first half
// after popping both, so stores see the whole value.
func (x *exec) pop1() VType {
	if len(x.f.stack) == 0 {
		if x.err == nil {
			x.err = x.a.fail(x.off, "stack underflow")
		}
		return vTop
	}
	v := x.f.stack[len(x.f.stack)-1]
	x.f.stack = x.f.stack[:len(x.f.stack)-1]
	return v
}

// load pushes local slot n; want (when not top) is the expected kind, used
// when the local holds nothing usable so the frame stays well-formed.
func (x *exec) load(n int, want VType) {
	var v VType
	if n < len(x.f.locals) {
		v = x.f.locals[n]
	}
	if want.Kind != KTop {
		v = want
	}
	x.push(v)
	if x.a.maxLocals < n+v.Size() {
		x.a.maxLocals = n + v.Size()
	}
}

// store puts v into local n (and n+1 for a long or double), invalidating any
// long or double it overwrites half of.
func (x *exec) store(n int, v VType) {
	size := v.Size()
	if v.Kind == KLong2 || v.Kind == KDouble2 {
		// Storing a lone second half cannot happen in valid code; keep top.
		v, size = vTop, 1
	}
	for len(x.f.locals) < n+size {
		x.f.locals = append(x.f.locals, vTop)
	}
	if n > 0 {
		if p := x.f.locals[n-1]; p.Kind == KLong || p.Kind == KDouble {
			x.f.locals[n-1] = vTop
		}
	}
	if end := n + size; end < len(x.f.locals) {
		if s := x.f.locals[end]; s.Kind == KLong2 || s.Kind == KDouble2 {
			x.f.locals[end] = vTop
		}
	}
	x.f.locals[n] = v
	if size == 2 {
		x.f.locals[n+1] = second(v)
	}
	if x.a.maxLocals < len(x.f.locals) {
		x.a.maxLocals = len(x.f.locals)
	}
}

// initialize replaces every occurrence of an uninitialized type with the
// initialized class after its constructor ran, and reports whether a local
// changed. See JVMS §4.10.1.9.invokespecial.
func (x *exec) initialize(recv VType, owner string) bool {
	var to VType
	switch recv.Kind {
	case KUninitThis:
		to = ref(x.a.c.Name())
	case KUninit:
		// The class is the one named by the new instruction.
		if i, ok := x.a.at.lookup(int(recv.Offset)); ok {
			to = classType(x.a.c.Pool.ClassName(uint16(x.a.insns[i].Index)))
		} else {
			to = ref(owner)
		}
	default:
		return false
	}
	changed := false
	for k, v := range x.f.locals {
		if v == recv {
			x.f.locals[k] = to
			changed = true
		}
	}
	for k, v := range x.f.stack {
		if v == recv {
			x.f.stack[k] = to
		}
	}
	return changed
}

func (a *analyzer) noteStack(n int) {
	if n > a.maxStack {
		a.maxStack = n
	}
}

// isStore reports whether op stores into a local (istore … astore_3, not
// iinc): the instructions whose exception handlers HotSpot's type checker
// checks against the locals before them alone. See JVMS §4.10.1.6.
func isStore(op Opcode) bool { return op >= Istore && op <= Astore3 }

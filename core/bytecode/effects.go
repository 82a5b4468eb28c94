package bytecode

import "dvmlab/core/classfile"

// effect is how many stack slots an instruction pops and then pushes, for
// those whose counts the opcode alone fixes (JVMS §6.5, the operand stack
// lines; a long or double counts two slots); ok is false for the others,
// whose counts the constant pool gives (ldc, fields, invocations,
// multianewarray), and for control flow.
type effect struct {
	pop, push int8
	ok        bool
}

// effects is the effect table by opcode. It feeds maxStraight only: the
// types are interp.go's machine's.
var effects = func() (t [256]effect) {
	set := func(pop, push int8, ops ...Opcode) {
		for _, op := range ops {
			t[op] = effect{pop, push, true}
		}
	}
	set(0, 0, Nop, Iinc, Return)
	set(0, 1, AconstNull, IconstM1, Iconst0, Iconst1, Iconst2, Iconst3, Iconst4, Iconst5,
		Fconst0, Fconst1, Fconst2, Bipush, Sipush, New,
		Iload, Iload0, Iload1, Iload2, Iload3, Fload, Fload0, Fload1, Fload2, Fload3,
		Aload, Aload0, Aload1, Aload2, Aload3)
	set(0, 2, Lconst0, Lconst1, Dconst0, Dconst1,
		Lload, Lload0, Lload1, Lload2, Lload3, Dload, Dload0, Dload1, Dload2, Dload3)
	set(2, 1, Iaload, Faload, Aaload, Baload, Caload, Saload,
		Iadd, Isub, Imul, Idiv, Irem, Ishl, Ishr, Iushr, Iand, Ior, Ixor,
		Fadd, Fsub, Fmul, Fdiv, Frem, Fcmpl, Fcmpg, L2i, L2f, D2i, D2f)
	set(2, 2, Laload, Daload, Swap, Lneg, Dneg, L2d, D2l)
	set(1, 0, Istore, Istore0, Istore1, Istore2, Istore3, Fstore, Fstore0, Fstore1, Fstore2, Fstore3,
		Astore, Astore0, Astore1, Astore2, Astore3, Pop, Ireturn, Freturn, Areturn, Athrow,
		Monitorenter, Monitorexit)
	set(2, 0, Lstore, Lstore0, Lstore1, Lstore2, Lstore3, Dstore, Dstore0, Dstore1, Dstore2, Dstore3,
		Pop2, Lreturn, Dreturn)
	set(3, 0, Iastore, Fastore, Aastore, Bastore, Castore, Sastore)
	set(4, 0, Lastore, Dastore)
	set(1, 2, Dup, I2l, I2d, F2l, F2d)
	set(2, 3, DupX1)
	set(3, 4, DupX2)
	set(2, 4, Dup2)
	set(3, 5, Dup2X1)
	set(4, 6, Dup2X2)
	set(4, 2, Ladd, Lsub, Lmul, Ldiv, Lrem, Land, Lor, Lxor, Dadd, Dsub, Dmul, Ddiv, Drem)
	set(3, 2, Lshl, Lshr, Lushr)
	set(4, 1, Lcmp, Dcmpl, Dcmpg)
	set(1, 1, Ineg, Fneg, I2f, F2i, I2b, I2c, I2s,
		Newarray, Anewarray, Arraylength, Checkcast, Instanceof)
	return t
}()

// localsUsed is how many locals a load, store or iinc needs: its slot and,
// for a long or double, the next; 0 for other instructions.
func localsUsed(in *Instruction) int {
	if n := localSlots[in.Op]; n > 0 {
		return in.Index + int(n)
	}
	return 0
}

// localSlots is how many slots from its Index a local variable
// instruction uses, by opcode; 0 for the others.
var localSlots = func() (t [256]uint8) {
	for _, op := range []Opcode{Lload, Lload0, Lload1, Lload2, Lload3, Dload, Dload0, Dload1, Dload2, Dload3,
		Lstore, Lstore0, Lstore1, Lstore2, Lstore3, Dstore, Dstore0, Dstore1, Dstore2, Dstore3} {
		t[op] = 2
	}
	for _, op := range []Opcode{Iload, Iload0, Iload1, Iload2, Iload3, Fload, Fload0, Fload1, Fload2, Fload3,
		Aload, Aload0, Aload1, Aload2, Aload3,
		Istore, Istore0, Istore1, Istore2, Istore3, Fstore, Fstore0, Fstore1, Fstore2, Fstore3,
		Astore, Astore0, Astore1, Astore2, Astore3, Iinc} {
		t[op] = 1
	}
	return t
}()

// maxStraight finds max_stack and max_locals of a straight-line method
// (one basic block, no handlers: see straightLine) by adding up its
// instructions' stack effects, with the sizes of fields and descriptors
// from the class's memo of constants (see cpMemo): such a method needs no
// frames, so the types the machine would track are not needed either. For
// code that is type-correct the sums are what executing it finds; code that
// is not fails the JVM's verifier whatever its max values. ok is false
// where the machine must run instead: a stack that would underflow, a
// constant that does not read as the instruction needs, anything but
// straight-line code; it alone reports those as errors.
func (a *analyzer) maxStraight(params int) (maxStack, maxLocals int, ok bool) {
	pool := &a.c.Pool
	h, maxLocals := 0, params
	for i := range a.insns {
		in := &a.insns[i]
		e := effects[in.Op]
		pop, push := int(e.pop), int(e.push)
		if !e.ok {
			switch in.Op {
			case Ldc, LdcW, Ldc2W:
				c := pool.Get(uint16(in.Index))
				if c == nil {
					return 0, 0, false
				}
				switch c.Tag {
				case classfile.TagInteger, classfile.TagFloat, classfile.TagString, classfile.TagClass,
					classfile.TagMethodType, classfile.TagMethodHandle:
					push = 1
				case classfile.TagLong, classfile.TagDouble:
					push = 2
				default:
					return 0, 0, false
				}
			case Getstatic, Putstatic, Getfield, Putfield:
				r := a.ref(in)
				if r.err != nil {
					return 0, 0, false
				}
				switch in.Op {
				case Getstatic:
					push = r.t.Size()
				case Putstatic:
					pop = r.t.Size()
				case Getfield:
					pop, push = 1, r.t.Size()
				case Putfield:
					pop = r.t.Size() + 1
				}
			case Invokevirtual, Invokespecial, Invokestatic, Invokeinterface, Invokedynamic:
				r := a.ref(in)
				if r.err != nil {
					return 0, 0, false
				}
				pop = r.slots
				if in.Op != Invokestatic && in.Op != Invokedynamic {
					pop++
				}
				// An <init> call leaves nothing, whatever its descriptor
				// says (the machine reports a bad one).
				if r.t != tTop && !(in.Op == Invokespecial && r.name == "<init>") {
					push = r.t.Size()
				}
			case Multianewarray:
				pop, push = in.Const, 1
			default:
				return 0, 0, false
			}
		}
		if h < pop {
			return 0, 0, false
		}
		h += push - pop
		maxStack = max(maxStack, h)
		if n := localsUsed(in); n > maxLocals {
			maxLocals = n
		}
	}
	return maxStack, maxLocals, true
}

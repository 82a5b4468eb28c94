package bytecode

import (
	"fmt"
	"strings"

	"dvmlab/core/classfile"
)

// execute applies instruction i's type rule (JVMS §4.10.1.9; §4.10.2 for
// the same rules read by inference) to f, its entry state, which it mutates
// into the exit state, and reports whether the locals changed. This is the
// one opcode machine of the package: it knows what every instruction pops
// and pushes. How strictly the operands are judged is the domain's: a
// strict domain (the verifier) gets an error at the first operand that
// breaks the rule, a lenient one (frame computation, which trusts the code
// and wants only its types) the rule's result regardless. Structural
// impossibilities (stack underflow, unknown constants) are errors for both.
// jsr and ret are the analyzer's (control flow), not this machine's.
func (a *analyzer) execute(i int, f *frame) (localsChanged bool, err error) {
	in := &a.insns[i]
	x := exec{a: a, f: f, in: in, strict: a.strict}
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
			t, err := FieldType(d)
			if err != nil {
				return false, a.fail(in.Offset, "%s #%d: %v", op, in.Index, err)
			}
			x.push(t)
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
		x.load(in.Index, vObject)
	case Iaload, Baload, Caload, Saload:
		x.pop(vInt)
		arr := x.popRef()
		if x.strict && x.err == nil && arr.Kind == KRef {
			switch {
			case elementType(arr.Name).Kind != KInt:
				x.bad("%s is not an array of a small integer type", arr)
			case op == Baload && arr.Name != "[B" && arr.Name != "[Z":
				x.bad("%s is not a byte or boolean array", arr)
			case op != Baload && arr.Name != primArray(op):
				x.bad("%s is not %s", arr, primArray(op))
			}
		}
		x.push(vInt)
	case Laload, Faload, Daload:
		x.pop(vInt)
		x.arrayOf(x.popRef(), primArray(op))
		x.push(elementType(primArray(op)))
	case Aaload:
		x.pop(vInt)
		arr := x.popRef()
		switch e := elementType(arr.Name); {
		case x.err != nil:
		case arr.Kind == KNull:
			x.push(vNull)
		case arr.Kind == KRef && e.Kind == KRef:
			x.push(e)
		default:
			x.bad("%s is not an array of references", arr)
			x.push(vObject)
		}
	case Istore, Istore0, Istore1, Istore2, Istore3:
		localsChanged = x.store(in.Index, x.pop(vInt))
	case Lstore, Lstore0, Lstore1, Lstore2, Lstore3:
		localsChanged = x.store(in.Index, x.pop(vLong))
	case Fstore, Fstore0, Fstore1, Fstore2, Fstore3:
		localsChanged = x.store(in.Index, x.pop(vFloat))
	case Dstore, Dstore0, Dstore1, Dstore2, Dstore3:
		localsChanged = x.store(in.Index, x.pop(vDouble))
	case Astore, Astore0, Astore1, Astore2, Astore3:
		// astore takes a reference or a return address (JVMS §4.10.1.9.astore).
		t := x.popCat1()
		if x.err == nil && !t.IsRef() && t.Kind != KRetAddr {
			x.bad("%s on the stack, not a reference", t)
		}
		localsChanged = x.store(in.Index, t)
	case Iastore, Bastore, Castore, Sastore:
		x.pop(vInt)
		x.pop(vInt)
		arr := x.popRef()
		if x.strict && x.err == nil && arr.Kind == KRef {
			if ok := arr.Name == primArray(op) || (op == Bastore && arr.Name == "[Z"); !ok {
				x.bad("%s is the wrong array type", arr)
			}
		}
	case Lastore, Fastore, Dastore:
		x.pop(elementType(primArray(op)))
		x.pop(vInt)
		x.arrayOf(x.popRef(), primArray(op))
	case Aastore:
		// The value's type against the component is checked at run time
		// (ArrayStoreException); statically it is any reference.
		x.popRef()
		x.pop(vInt)
		arr := x.popRef()
		if x.strict && x.err == nil && arr.Kind == KRef {
			if e := elementType(arr.Name); e.Kind != KRef {
				x.bad("%s is not an array of references", arr)
			}
		}
	case Pop:
		x.popCat1()
	case Pop2:
		x.popSlots(2)
	case Dup:
		v := x.popCat1()
		x.pushSlots(v, v)
	case DupX1:
		v1, v2 := x.popCat1(), x.popCat1()
		x.pushSlots(v1, v2, v1)
	case DupX2:
		v1 := x.popCat1()
		v3, v2 := x.popSlots2()
		x.pushSlots(v1, v3, v2, v1)
	case Dup2:
		v2, v1 := x.popSlots2()
		x.pushSlots(v2, v1, v2, v1)
	case Dup2X1:
		v2, v1 := x.popSlots2()
		v3 := x.popCat1()
		x.pushSlots(v2, v1, v3, v2, v1)
	case Dup2X2:
		v2, v1 := x.popSlots2()
		v4, v3 := x.popSlots2()
		x.pushSlots(v2, v1, v4, v3, v2, v1)
	case Swap:
		v1, v2 := x.popCat1(), x.popCat1()
		x.pushSlots(v1, v2)
	case Iadd, Isub, Imul, Idiv, Irem, Ishl, Ishr, Iushr, Iand, Ior, Ixor:
		x.pop(vInt)
		x.pop(vInt)
		x.push(vInt)
	case Ladd, Lsub, Lmul, Ldiv, Lrem, Land, Lor, Lxor:
		x.pop(vLong)
		x.pop(vLong)
		x.push(vLong)
	case Lshl, Lshr, Lushr:
		x.pop(vInt)
		x.pop(vLong)
		x.push(vLong)
	case Fadd, Fsub, Fmul, Fdiv, Frem:
		x.pop(vFloat)
		x.pop(vFloat)
		x.push(vFloat)
	case Dadd, Dsub, Dmul, Ddiv, Drem:
		x.pop(vDouble)
		x.pop(vDouble)
		x.push(vDouble)
	case Ineg, I2b, I2c, I2s:
		x.pop(vInt)
		x.push(vInt)
	case Lneg:
		x.pop(vLong)
		x.push(vLong)
	case Fneg:
		x.pop(vFloat)
		x.push(vFloat)
	case Dneg:
		x.pop(vDouble)
		x.push(vDouble)
	case Iinc:
		if in.Index >= len(f.locals) || f.locals[in.Index] != vInt {
			x.bad("local %d does not hold an int", in.Index)
		}
		a.noteLocals(in.Index + 1)
	case I2l, I2f, I2d, L2i, L2f, L2d, F2i, F2l, F2d, D2i, D2l, D2f:
		from, to := conversion(op)
		x.pop(from)
		x.push(to)
	case Lcmp:
		x.pop(vLong)
		x.pop(vLong)
		x.push(vInt)
	case Fcmpl, Fcmpg:
		x.pop(vFloat)
		x.pop(vFloat)
		x.push(vInt)
	case Dcmpl, Dcmpg:
		x.pop(vDouble)
		x.pop(vDouble)
		x.push(vInt)
	case Ifeq, Ifne, Iflt, Ifge, Ifgt, Ifle:
		x.pop(vInt)
	case IfIcmpeq, IfIcmpne, IfIcmplt, IfIcmpge, IfIcmpgt, IfIcmple:
		x.pop(vInt)
		x.pop(vInt)
	case IfAcmpeq, IfAcmpne:
		x.popRefOrUninit()
		x.popRefOrUninit()
	case Ifnull, Ifnonnull:
		x.popRefOrUninit()
	case Goto, GotoW:
	case Tableswitch, Lookupswitch:
		x.pop(vInt)
		if x.strict && op == Lookupswitch && in.Switch != nil {
			for k := 1; k < len(in.Switch.Keys); k++ {
				if in.Switch.Keys[k] <= in.Switch.Keys[k-1] {
					x.bad("lookupswitch keys are not sorted")
				}
			}
		}
	case Ireturn, Lreturn, Freturn, Dreturn, Areturn:
		r := a.ret
		if want := returnKind(op); r.Kind != want {
			what := r.String()
			if r.Kind == KTop {
				what = "void"
			}
			x.bad("the method returns %s", what)
			r = returnType(op)
		}
		x.pop(r)
	case Return:
		if a.ret.Kind != KTop {
			x.bad("the method returns %s", a.ret)
		} else if x.strict && a.isInit {
			for _, l := range f.locals {
				if l.Kind == KUninitThis {
					x.bad("the constructor returns before calling a superclass or sibling constructor")
					break
				}
			}
		}
	case Getstatic, Putstatic, Getfield, Putfield:
		x.field()
	case Invokevirtual, Invokespecial, Invokestatic, Invokeinterface, Invokedynamic:
		localsChanged = x.invoke()
	case New:
		// The same uninitialized type must not be live already (HotSpot
		// checks this where a loop re-executes the new); a local holding it
		// loses it.
		u := VType{Kind: KUninit, Offset: int32(in.Offset)}
		if x.strict {
			for _, t := range f.stack {
				if t == u {
					x.bad("uninitialized(%d) is already on the stack", in.Offset)
				}
			}
		}
		for k, t := range f.locals {
			if t == u {
				f.locals[k] = vTop
				localsChanged = true
			}
		}
		x.push(u)
	case Newarray:
		x.pop(vInt)
		x.push(ref(newarrayType(in.Index)))
	case Anewarray:
		x.pop(vInt)
		x.push(ref(a.arrayType(in.Index)))
	case Arraylength:
		arr := x.popRef()
		if x.strict && x.err == nil && arr.Kind == KRef && elementType(arr.Name).Kind == KTop {
			x.bad("%s is not an array", arr)
		}
		x.push(vInt)
	case Athrow:
		x.pop(vThrowable)
	case Checkcast:
		x.popRef()
		x.push(classType(pool.ClassName(uint16(in.Index))))
	case Instanceof:
		x.popRef()
		x.push(vInt)
	case Monitorenter, Monitorexit:
		x.popRef()
	case Multianewarray:
		for k := 0; k < in.Const; k++ {
			x.pop(vInt)
		}
		x.push(classType(pool.ClassName(uint16(in.Index))))
	case Jsr, JsrW, Ret:
		x.bad("subroutines are not allowed in a class verified by type checking")
		if x.err == nil {
			return false, a.fail(in.Offset, "%s in a class of version %d (jsr/ret need version < 50)", op, a.c.Major)
		}
	default:
		return false, a.fail(in.Offset, "opcode %s not handled", op)
	}
	return localsChanged, x.err
}

// primArray is the array type an array load or store of a primitive works
// on.
func primArray(op Opcode) string {
	switch op {
	case Iaload, Iastore:
		return "[I"
	case Baload, Bastore:
		return "[B"
	case Caload, Castore:
		return "[C"
	case Saload, Sastore:
		return "[S"
	case Laload, Lastore:
		return "[J"
	case Faload, Fastore:
		return "[F"
	case Daload, Dastore:
		return "[D"
	}
	return ""
}

// conversion is what a numeric conversion pops and pushes.
func conversion(op Opcode) (from, to VType) {
	kinds := [...]VType{vInt, vLong, vFloat, vDouble}
	// i2l … d2f run in JVMS order: from i, l, f, d, each to the other three.
	k := int(op - I2l)
	from = kinds[k/3]
	j := k % 3
	if j >= k/3 {
		j++
	}
	return from, kinds[j]
}

func returnKind(op Opcode) Kind { return returnType(op).Kind }

func returnType(op Opcode) VType {
	switch op {
	case Ireturn:
		return vInt
	case Lreturn:
		return vLong
	case Freturn:
		return vFloat
	case Dreturn:
		return vDouble
	}
	return vObject
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

// isStore reports whether op stores into a local (istore … astore_3, not
// iinc): the instructions whose exception handlers HotSpot's type checker
// checks against the locals before them alone. See JVMS §4.10.1.6.
func isStore(op Opcode) bool { return op >= Istore && op <= Astore3 }

// exec is the state of executing one instruction.
type exec struct {
	a      *analyzer
	f      *frame
	in     *Instruction
	strict bool
	err    error
}

// bad reports a broken type rule: an error in a strict analysis, nothing in
// a lenient one, which goes on with the rule's result.
func (x *exec) bad(format string, args ...any) {
	if x.strict && x.err == nil {
		x.err = x.a.fail(x.in.Offset, "%s: %s", x.in.Op, fmt.Sprintf(format, args...))
	}
}

// broken reports an impossibility neither analysis can go on from.
func (x *exec) broken(format string, args ...any) {
	if x.err == nil {
		x.err = x.a.fail(x.in.Offset, "%s: %s", x.in.Op, fmt.Sprintf(format, args...))
	}
}

func (x *exec) push(v VType) {
	if x.err != nil {
		return
	}
	n := len(x.f.stack) + v.Size()
	if x.strict && n > x.a.maxStack {
		x.bad("the stack would exceed max_stack %d", x.a.maxStack)
		return
	}
	x.f.stack = append(x.f.stack, v)
	if v.Size() == 2 {
		x.f.stack = append(x.f.stack, second(v))
	}
	x.a.noteStack(n)
}

// pushSlots pushes raw slots (for the dup family, which copies halves).
func (x *exec) pushSlots(vs ...VType) {
	if x.err != nil {
		return
	}
	n := len(x.f.stack) + len(vs)
	if x.strict && n > x.a.maxStack {
		x.bad("the stack would exceed max_stack %d", x.a.maxStack)
		return
	}
	x.f.stack = append(x.f.stack, vs...)
	x.a.noteStack(n)
}

// pop takes a value of type want (a long or double as its two slots) and
// returns what was there (the first slot of a long or double).
func (x *exec) pop(want VType) VType {
	if x.err != nil {
		return vTop
	}
	n := want.Size()
	s := x.f.stack
	if len(s) < n {
		x.broken("stack underflow: need %s", want)
		return vTop
	}
	got := s[len(s)-n]
	x.f.stack = s[:len(s)-n]
	if !x.strict {
		return got
	}
	switch {
	case n == 2 && s[len(s)-1] != second(got):
		x.bad("the stack holds half a %s", want)
	case n == 1 && got.isHalf():
		x.bad("the stack holds the second half of a long or double where %s is expected", want)
	case !x.a.d.Assignable(got, want):
		x.bad("%s on the stack where %s is expected", got, want)
	}
	return got
}

// popCat1 takes one slot that is a whole value.
func (x *exec) popCat1() VType {
	if x.err != nil {
		return vTop
	}
	s := x.f.stack
	if len(s) == 0 {
		x.broken("stack underflow")
		return vTop
	}
	t := s[len(s)-1]
	if x.strict && (t.isHalf() || t.Size() == 2) {
		x.bad("a category 2 value where a category 1 value is expected")
		return vTop
	}
	x.f.stack = s[:len(s)-1]
	return t
}

// popRef takes any initialized reference (or null).
func (x *exec) popRef() VType {
	t := x.popCat1()
	if x.err == nil && t.Kind != KRef && t.Kind != KNull {
		x.bad("%s on the stack where a reference is expected", t)
	}
	return t
}

func (x *exec) popRefOrUninit() {
	t := x.popCat1()
	if x.err == nil && !t.IsRef() {
		x.bad("%s on the stack where a reference is expected", t)
	}
}

// popSlots2 takes two raw slots, for pop2 and the dup family, which see the
// stack as slots but must not split a long or double; lower first.
func (x *exec) popSlots2() (lower, upper VType) {
	if x.err != nil {
		return vTop, vTop
	}
	s := x.f.stack
	if len(s) < 2 {
		x.broken("stack underflow")
		return vTop, vTop
	}
	lower, upper = s[len(s)-2], s[len(s)-1]
	// The lower slot taken must not be the second half of a value below.
	if x.strict && lower.isHalf() {
		x.bad("would split a long or double")
		return vTop, vTop
	}
	x.f.stack = s[:len(s)-2]
	return lower, upper
}

func (x *exec) popSlots(n int) {
	if n == 2 {
		x.popSlots2()
	}
}

// load pushes local n as an instruction expecting want reads it: aload any
// reference, initialized or not (JVMS §4.10.1.9.aload), the others exactly
// their type. A lenient analysis pushes want where the local holds
// something else, so the frame stays well formed.
func (x *exec) load(n int, want VType) {
	if x.err != nil {
		return
	}
	ls := x.f.locals
	x.a.noteLocals(n + want.Size())
	var got VType
	if n+want.Size() <= len(ls) {
		got = ls[n]
	} else if x.strict {
		x.bad("local %d is beyond max_locals", n)
		return
	}
	switch {
	case want.Kind == KRef:
		if !got.IsRef() {
			x.bad("local %d holds %s, not a reference", n, got)
		}
	case want.Size() == 2 && (got != want || ls[n+1] != second(got)):
		x.bad("local %d holds no whole %s", n, want)
		got = want
	case got != want:
		x.bad("local %d holds %s where %s is expected", n, got, want)
		got = want
	}
	x.push(got)
}

// store puts t into local n (and n+1 for a long or double), invalidating any
// long or double it overwrites half of; it reports whether a local changed.
func (x *exec) store(n int, t VType) bool {
	if x.err != nil {
		return false
	}
	size := t.Size()
	if t.isHalf() {
		// Storing a lone second half cannot happen in valid code; keep top.
		t, size = vTop, 1
	}
	if len(x.f.locals) < n+size {
		if x.strict {
			x.bad("local %d is beyond max_locals", n)
			return false
		}
		for len(x.f.locals) < n+size {
			x.f.locals = append(x.f.locals, vTop)
		}
		x.a.noteLocals(len(x.f.locals))
	}
	ls := x.f.locals
	if n > 0 && (ls[n-1].Kind == KLong || ls[n-1].Kind == KDouble) {
		ls[n-1] = vTop
	}
	if end := n + size; end < len(ls) && ls[end].isHalf() {
		ls[end] = vTop
	}
	ls[n] = t
	if size == 2 {
		ls[n+1] = second(t)
	}
	return true
}

func (x *exec) arrayOf(arr VType, want string) {
	if x.strict && x.err == nil && arr.Kind == KRef && arr.Name != want {
		x.bad("%s is not %s", arr, want)
	}
}

// objref pops the receiver of a field access or virtual call: an
// initialized reference assignable to owner.
func (x *exec) objref(owner string) {
	t := x.popCat1()
	if !x.strict || x.err != nil || t.Kind == KNull {
		return
	}
	if t.Kind != KRef {
		x.bad("%s where an initialized %s is expected", t, owner)
		return
	}
	if !x.a.d.Assignable(t, classType(owner)) {
		x.bad("%s is not assignable to %s", t, owner)
	}
}

// field applies the get/put field and static rules; the field's type comes
// from the reference. Whether the field exists is the domain's to note.
func (x *exec) field() {
	in, a := x.in, x.a
	r := a.ref(in)
	owner, name, desc, t := r.owner, r.name, r.desc, r.t
	if r.err != nil {
		x.broken("%v", r.err)
		return
	}
	if a.strict && owner != a.c.Name() {
		a.d.Refers(Reference{Field: true, Class: owner, Name: name, Desc: desc, Static: in.Op == Getstatic || in.Op == Putstatic})
	}
	switch in.Op {
	case Getstatic:
		x.push(t)
	case Putstatic:
		x.pop(t)
	case Getfield:
		x.objref(owner)
		x.push(t)
	case Putfield:
		x.pop(t)
		// A constructor may set its own class's fields before calling
		// super (JVMS §4.10.1.9.putfield).
		if s := x.f.stack; x.err == nil && len(s) > 0 && s[len(s)-1].Kind == KUninitThis && owner == a.c.Name() && a.isInit {
			x.f.stack = s[:len(s)-1]
			return
		}
		x.objref(owner)
	}
}

// invoke applies the invoke rules and reports whether the locals changed
// (an <init> call initializes the object wherever it is).
func (x *exec) invoke() bool {
	in, a := x.in, x.a
	pool := &a.c.Pool
	r := a.ref(in)
	if r.err != nil {
		x.broken("%v", r.err)
		return false
	}
	owner, name, desc, ret := r.owner, r.name, r.desc, r.t
	if x.strict {
		params, r, err := MethodType(desc)
		if err != nil {
			x.broken("%v", err)
			return false
		}
		for i := len(params) - 1; i >= 0; i-- {
			x.pop(params[i])
		}
		ret = r
	} else {
		if len(x.f.stack) < r.slots {
			x.broken("stack underflow: need %d slots, have %d", r.slots, len(x.f.stack))
			return false
		}
		x.f.stack = x.f.stack[:len(x.f.stack)-r.slots]
	}
	if x.err != nil {
		return false
	}
	if a.strict && owner != "" && owner[0] != '[' && owner != a.c.Name() {
		a.d.Refers(Reference{Interface: in.Op == Invokeinterface || r.iface, Class: owner, Name: name, Desc: desc, Static: in.Op == Invokestatic})
	}
	changed := false
	switch in.Op {
	case Invokespecial:
		if name == "<init>" {
			if ret.Kind != KTop {
				x.bad("<init> must return void")
			}
			recv := x.popCat1()
			if x.err != nil {
				return false
			}
			var inited VType
			switch recv.Kind {
			case KUninitThis:
				// this(...) or super(...): the current class or its direct
				// superclass.
				if owner != a.c.Name() && owner != a.c.SuperName() {
					x.bad("uninitializedThis initialized by %s.<init>, neither this class nor its superclass", owner)
				}
				inited = ref(a.c.Name())
			case KUninit:
				// The class is the one named by the new instruction.
				cls := owner
				if i, ok := a.at.lookup(int(recv.Offset)); ok && a.insns[i].Op == New {
					cls = pool.ClassName(uint16(a.insns[i].Index))
				}
				if cls != owner {
					x.bad("uninitialized(%d) is a new %s, initialized by %s.<init>", recv.Offset, cls, owner)
				}
				inited = ref(cls)
			default:
				x.bad("%s is not an uninitialized object", recv)
				return false
			}
			if x.err != nil {
				return false
			}
			for k, v := range x.f.stack {
				if v == recv {
					x.f.stack[k] = inited
				}
			}
			for k, v := range x.f.locals {
				if v == recv {
					x.f.locals[k] = inited
					changed = true
				}
			}
			return changed
		}
		// A private or super method: of the current class, a superclass or
		// an interface, with the current class as receiver (JVMS
		// §4.10.1.9.invokespecial).
		if x.strict && owner != a.c.Name() && !a.d.Assignable(ref(a.c.Name()), ref(owner)) {
			x.bad("illegal use of a nonvirtual call: %s is not the current class or a superclass", owner)
			return false
		}
		recv := x.popCat1()
		if x.strict && x.err == nil && recv.Kind != KNull && (recv.Kind != KRef || !a.d.Assignable(recv, ref(a.c.Name()))) {
			x.bad("receiver %s is not the current class %s", recv, a.c.Name())
			return false
		}
	case Invokeinterface:
		// Interfaces are Object to the verifier: any reference will do.
		recv := x.popCat1()
		if x.err == nil && recv.Kind != KRef && recv.Kind != KNull {
			x.bad("receiver %s is not an initialized reference", recv)
		}
	case Invokevirtual:
		// An array type's methods (clone) need a receiver of that array
		// type, as any class's do.
		x.objref(owner)
	}
	if x.err == nil && ret.Kind != KTop {
		x.push(ret)
	}
	return false
}

func (a *analyzer) noteStack(n int) {
	if !a.strict && n > a.maxStack {
		a.maxStack = n
	}
}

func (a *analyzer) noteLocals(n int) {
	if !a.strict && n > a.maxLocals {
		a.maxLocals = n
	}
}

// refInfo is what the machine needs of a field or method reference (or an
// invokedynamic's call site).
type refInfo struct {
	owner, name, desc string
	t                 VType // a field's type, a method's return type
	slots             int   // a method's argument slots
	iface             bool  // an InterfaceMethodref
	err               error
}

// ref decodes the constant an instruction names into the analyzer's one
// refInfo, good until the next call.
func (a *analyzer) ref(in *Instruction) *refInfo {
	field := in.Op == Getstatic || in.Op == Putstatic || in.Op == Getfield || in.Op == Putfield
	kind := memoMethod
	if field {
		kind = memoField
	}
	m := a.cpMemo(in.Index, kind)
	if m != nil && m.gen == a.gen {
		return &m.r
	}
	r := a.decodeRef(in, field)
	if m != nil && r.err == nil {
		*m = cpMemo{gen: a.gen, kind: kind, r: *r}
	}
	return r
}

// cpMemo kinds: what the constant an instruction names was read as.
const (
	memoField uint8 = iota + 1
	memoMethod
	memoArray
)

// cpMemo is what the machine read from the constant at one pool index, for
// one class: a member reference (or call site) as a refInfo, or the array
// type anewarray makes of a Class entry. Frame computation meets the same
// few constants at every call and field access of a class; remembering
// them by index spares the pool's entries, the descriptor and its text.
type cpMemo struct {
	gen  uint64 // the FrameComputer's; 0 marks an empty entry
	kind uint8
	r    refInfo
	arr  string
}

// cpMemo returns the memo entry for pool index i as read by kind: the
// class's own entry if it has one (gen equal to the analyzer's), else a
// slot to fill, or nil where there is no memo (strict analyses and
// one-off ones, whose gen is 0).
func (a *analyzer) cpMemo(i int, kind uint8) *cpMemo {
	if a.gen == 0 || i <= 0 || i > 0xffff {
		return nil
	}
	s := a.s
	if i >= len(s.cp) {
		n := max(len(a.c.Pool.Entries), i+1)
		if cap(s.cp) >= n {
			s.cp = s.cp[:n]
		} else {
			s.cp = append(s.cp[:cap(s.cp)], make([]cpMemo, n-cap(s.cp))...)
		}
	}
	m := &s.cp[i]
	if m.gen == a.gen && m.kind != kind {
		// The same index read as another kind (only bad code does that):
		// not remembered.
		return nil
	}
	return m
}

// arrayType is the array type whose component is the class pool index i
// names (anewarray's result).
func (a *analyzer) arrayType(i int) string {
	m := a.cpMemo(i, memoArray)
	if m != nil && m.gen == a.gen {
		return m.arr
	}
	t := arrayOf(a.c.Pool.ClassName(uint16(i)))
	if m != nil {
		*m = cpMemo{gen: a.gen, kind: memoArray, arr: t}
	}
	return t
}

// decodeRef decodes the constant an instruction names into the analyzer's
// one refInfo, good until the next call.
func (a *analyzer) decodeRef(in *Instruction, field bool) *refInfo {
	a.oneRef = refInfo{}
	r := &a.oneRef
	pool := &a.c.Pool
	c := pool.Get(uint16(in.Index))
	var nt uint16
	switch in.Op {
	case Invokedynamic:
		if c == nil || c.Tag != classfile.TagInvokeDynamic {
			r.err = fmt.Errorf("#%d is not an InvokeDynamic constant", in.Index)
			return r
		}
		nt = c.B
	default:
		// Any member reference, as ConstantPool.MemberRef reads them: a
		// field instruction naming a method fails on its descriptor.
		if c != nil && (c.Tag == classfile.TagFieldref || c.Tag == classfile.TagMethodref || c.Tag == classfile.TagInterfaceMethodref) {
			r.owner, nt = pool.ClassName(c.A), c.B
			r.iface = !field && c.Tag == classfile.TagInterfaceMethodref
		}
	}
	var descIdx uint16
	if n := pool.Get(nt); n != nil && n.Tag == classfile.TagNameAndType {
		r.name, r.desc, descIdx = pool.Utf8(n.A), pool.Utf8(n.B), n.B
	}
	if m := a.descMemo(descIdx, r.desc, field); m != nil {
		r.t, r.slots = m.t, int(m.slots)
		return r
	}
	// Another class's read of the same text, else the text itself.
	s := a.s
	if m, ok := s.descText[r.desc]; ok && m.field == field && a.gen != 0 {
		r.t, r.slots = m.t, int(m.slots)
	} else {
		if field {
			r.t, r.err = FieldType(r.desc)
		} else {
			r.slots, r.t, r.err = ArgSlots(r.desc)
		}
		if r.err == nil && a.gen != 0 {
			if s.descText == nil || len(s.descText) >= maxDescText {
				// Bounded: a long-lived scratch meets any number of
				// descriptors; the common ones come back at once.
				clear(s.descText)
				if s.descText == nil {
					s.descText = make(map[string]descMemo, 1024)
				}
			}
			// A copy of the text, so the class's bytes are not kept alive.
			d := strings.Clone(r.desc)
			t := r.t
			if n := len(t.Name); t.Kind == KRef && strings.HasSuffix(d, t.Name) {
				t.Name = d[len(d)-n:] // an array type
			} else if t.Kind == KRef && len(d) > n && d[len(d)-1-n:len(d)-1] == t.Name {
				t.Name = d[len(d)-1-n : len(d)-1] // a class type, before its ';'
			}
			s.descText[d] = descMemo{field: field, t: t, slots: int32(r.slots)}
		}
	}
	if r.err == nil && s.descs != nil && descIdx != 0 {
		s.descs[descIdx] = descMemo{desc: r.desc, field: field, t: r.t, slots: int32(r.slots)}
	}
	return r
}

// maxDescText bounds the descriptors a scratch remembers by text.
const maxDescText = 1 << 15

// descMemo is a descriptor read before: a field's type, or a method's
// argument slots and return type. Frame computation meets the same few
// descriptors at every call and field access of a class.
type descMemo struct {
	desc  string
	field bool
	t     VType
	slots int32
}

// descMemo returns what the descriptor at Utf8 index i was read as, if it
// was, or nil, preparing a memo slot for i. Entries are keyed by index and
// checked by text, so a memo left by another class (the scratch outlives
// it) is used only where it reads the same descriptor. Strict analyses
// (one scratch per method) keep none.
func (a *analyzer) descMemo(i uint16, desc string, field bool) *descMemo {
	if a.strict || i == 0 {
		return nil
	}
	s := a.s
	if int(i) >= len(s.descs) {
		n := max(len(a.c.Pool.Entries), int(i)+1)
		if cap(s.descs) >= n {
			s.descs = s.descs[:n]
		} else {
			s.descs = append(s.descs[:cap(s.descs)], make([]descMemo, n-cap(s.descs))...)
		}
		return nil
	}
	if m := &s.descs[i]; m.desc == desc && m.field == field && desc != "" {
		return m
	}
	return nil
}

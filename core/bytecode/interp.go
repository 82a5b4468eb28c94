package bytecode

import (
	"fmt"

	"dvmlab/core/classfile"
)

// execute applies instruction in's type rule (JVMS §4.10.1.9; §4.10.2 for
// the same rules read by inference) to f, its entry state, which it mutates
// into the exit state, and reports whether the locals changed. This is the
// one opcode machine of the package: it knows what every instruction pops
// and pushes. How strictly the operands are judged is the domain's: a
// strict domain (the verifier) gets an error at the first operand that
// breaks the rule, a lenient one (frame computation, which trusts the code
// and wants only its types) the rule's result regardless. Structural
// impossibilities (stack underflow, unknown constants) are errors for both.
// jsr and ret are the analyzer's (control flow), not this machine's.
func (a *analyzer) execute(in *Instruction, f *frame) (localsChanged bool, err error) {
	// One exec per analysis, not per instruction: only its instruction,
	// frame and error change.
	x := &a.x
	if x.a == nil {
		*x = exec{a: a, lat: a.lat, strict: a.strict}
	}
	x.f, x.in, x.err = f, in, nil
	pool := &a.c.Pool
	op := in.Op
	switch op {
	case Nop:
	case AconstNull:
		x.push(tNull)
	case IconstM1, Iconst0, Iconst1, Iconst2, Iconst3, Iconst4, Iconst5, Bipush, Sipush:
		x.push(tInt)
	case Lconst0, Lconst1:
		x.push(tLong)
	case Fconst0, Fconst1, Fconst2:
		x.push(tFloat)
	case Dconst0, Dconst1:
		x.push(tDouble)
	case Ldc, LdcW, Ldc2W:
		c := pool.Get(uint16(in.Index))
		if c == nil {
			return false, a.fail(in.Offset, "%s #%d: no such constant", op, in.Index)
		}
		switch c.Tag {
		case classfile.TagInteger:
			x.push(tInt)
		case classfile.TagFloat:
			x.push(tFloat)
		case classfile.TagLong:
			x.push(tLong)
		case classfile.TagDouble:
			x.push(tDouble)
		case classfile.TagString:
			x.push(tString)
		case classfile.TagClass:
			x.push(tClass)
		case classfile.TagMethodType:
			x.push(tMethodType)
		case classfile.TagMethodHandle:
			x.push(tMethodHdl)
		case classfile.TagDynamic:
			_, d := pool.NameAndType(c.B)
			t, err := FieldType(d)
			if err != nil {
				return false, a.fail(in.Offset, "%s #%d: %v", op, in.Index, err)
			}
			x.push(a.lat.Type(t))
		default:
			return false, a.fail(in.Offset, "%s #%d: %s is not loadable", op, in.Index, c.Tag)
		}
	case Iload, Iload0, Iload1, Iload2, Iload3:
		x.load(in.Index, tInt)
	case Lload, Lload0, Lload1, Lload2, Lload3:
		x.load(in.Index, tLong)
	case Fload, Fload0, Fload1, Fload2, Fload3:
		x.load(in.Index, tFloat)
	case Dload, Dload0, Dload1, Dload2, Dload3:
		x.load(in.Index, tDouble)
	case Aload, Aload0, Aload1, Aload2, Aload3:
		x.load(in.Index, tObject)
	case Iaload, Baload, Caload, Saload:
		x.pop(tInt)
		arr := x.popRef()
		if x.strict && x.err == nil && arr.Kind() == KRef {
			switch n := x.lat.Name(arr); {
			case elementType(n).Kind != KInt:
				x.bad("%s is not an array of a small integer type", n)
			case op == Baload && n != "[B" && n != "[Z":
				x.bad("%s is not a byte or boolean array", n)
			case op != Baload && n != primArray(op):
				x.bad("%s is not %s", n, primArray(op))
			}
		}
		x.push(tInt)
	case Laload, Faload, Daload:
		x.pop(tInt)
		x.arrayOf(x.popRef(), primArray(op))
		x.push(primElement(op))
	case Aaload:
		x.pop(tInt)
		arr := x.popRef()
		switch e := x.lat.element(arr); {
		case x.err != nil:
		case arr == tNull:
			x.push(tNull)
		case e.Kind() == KRef:
			x.push(e)
		default:
			x.bad("%s is not an array of references", x.lat.str(arr))
			x.push(tObject)
		}
	case Istore, Istore0, Istore1, Istore2, Istore3:
		localsChanged = x.store(in.Index, x.pop(tInt))
	case Lstore, Lstore0, Lstore1, Lstore2, Lstore3:
		localsChanged = x.store(in.Index, x.pop(tLong))
	case Fstore, Fstore0, Fstore1, Fstore2, Fstore3:
		localsChanged = x.store(in.Index, x.pop(tFloat))
	case Dstore, Dstore0, Dstore1, Dstore2, Dstore3:
		localsChanged = x.store(in.Index, x.pop(tDouble))
	case Astore, Astore0, Astore1, Astore2, Astore3:
		// astore takes a reference or a return address (JVMS §4.10.1.9.astore).
		t := x.popCat1()
		if x.err == nil && !t.IsRef() && t.Kind() != KRetAddr {
			x.bad("%s on the stack, not a reference", x.lat.str(t))
		}
		localsChanged = x.store(in.Index, t)
	case Iastore, Bastore, Castore, Sastore:
		x.pop(tInt)
		x.pop(tInt)
		arr := x.popRef()
		if x.strict && x.err == nil && arr.Kind() == KRef {
			if n := x.lat.Name(arr); n != primArray(op) && (op != Bastore || n != "[Z") {
				x.bad("%s is the wrong array type", n)
			}
		}
	case Lastore, Fastore, Dastore:
		x.pop(primElement(op))
		x.pop(tInt)
		x.arrayOf(x.popRef(), primArray(op))
	case Aastore:
		// The value's type against the component is checked at run time
		// (ArrayStoreException); statically it is any reference.
		x.popRef()
		x.pop(tInt)
		arr := x.popRef()
		if x.strict && x.err == nil && arr.Kind() == KRef {
			if n := x.lat.Name(arr); elementType(n).Kind != KRef {
				x.bad("%s is not an array of references", n)
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
		x.pop(tInt)
		x.pop(tInt)
		x.push(tInt)
	case Ladd, Lsub, Lmul, Ldiv, Lrem, Land, Lor, Lxor:
		x.pop(tLong)
		x.pop(tLong)
		x.push(tLong)
	case Lshl, Lshr, Lushr:
		x.pop(tInt)
		x.pop(tLong)
		x.push(tLong)
	case Fadd, Fsub, Fmul, Fdiv, Frem:
		x.pop(tFloat)
		x.pop(tFloat)
		x.push(tFloat)
	case Dadd, Dsub, Dmul, Ddiv, Drem:
		x.pop(tDouble)
		x.pop(tDouble)
		x.push(tDouble)
	case Ineg, I2b, I2c, I2s:
		x.pop(tInt)
		x.push(tInt)
	case Lneg:
		x.pop(tLong)
		x.push(tLong)
	case Fneg:
		x.pop(tFloat)
		x.push(tFloat)
	case Dneg:
		x.pop(tDouble)
		x.push(tDouble)
	case Iinc:
		if in.Index >= len(f.locals) || f.locals[in.Index] != tInt {
			x.bad("local %d does not hold an int", in.Index)
		}
		a.noteLocals(in.Index + 1)
	case I2l, I2f, I2d, L2i, L2f, L2d, F2i, F2l, F2d, D2i, D2l, D2f:
		from, to := conversion(op)
		x.pop(from)
		x.push(to)
	case Lcmp:
		x.pop(tLong)
		x.pop(tLong)
		x.push(tInt)
	case Fcmpl, Fcmpg:
		x.pop(tFloat)
		x.pop(tFloat)
		x.push(tInt)
	case Dcmpl, Dcmpg:
		x.pop(tDouble)
		x.pop(tDouble)
		x.push(tInt)
	case Ifeq, Ifne, Iflt, Ifge, Ifgt, Ifle:
		x.pop(tInt)
	case IfIcmpeq, IfIcmpne, IfIcmplt, IfIcmpge, IfIcmpgt, IfIcmple:
		x.pop(tInt)
		x.pop(tInt)
	case IfAcmpeq, IfAcmpne:
		x.popRefOrUninit()
		x.popRefOrUninit()
	case Ifnull, Ifnonnull:
		x.popRefOrUninit()
	case Goto, GotoW:
	case Tableswitch, Lookupswitch:
		x.pop(tInt)
		if x.strict && op == Lookupswitch && in.Switch != nil {
			for k := 1; k < len(in.Switch.Keys); k++ {
				if in.Switch.Keys[k] <= in.Switch.Keys[k-1] {
					x.bad("lookupswitch keys are not sorted")
				}
			}
		}
	case Ireturn, Lreturn, Freturn, Dreturn, Areturn:
		r := a.ret
		if want := returnKind(op); r.Kind() != want {
			what := x.lat.str(r)
			if r == tTop {
				what = "void"
			}
			x.bad("the method returns %s", what)
			r = returnType(op)
		}
		x.pop(r)
	case Return:
		if a.ret != tTop {
			x.bad("the method returns %s", x.lat.str(a.ret))
		} else if x.strict && a.isInit {
			for _, l := range f.locals {
				if l == tUninitThis {
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
		u := uninit(in.Offset)
		if x.strict {
			for _, t := range f.stack {
				if t == u {
					x.bad("uninitialized(%d) is already on the stack", in.Offset)
				}
			}
		}
		for k, t := range f.locals {
			if t == u {
				f.locals[k] = tTop
				localsChanged = true
			}
		}
		x.push(u)
	case Newarray:
		x.pop(tInt)
		x.push(x.lat.Ref(newarrayType(in.Index)))
	case Anewarray:
		x.pop(tInt)
		x.push(a.arrayType(in.Index))
	case Arraylength:
		arr := x.popRef()
		if x.strict && x.err == nil && arr.Kind() == KRef && elementType(x.lat.Name(arr)).Kind == KTop {
			x.bad("%s is not an array", x.lat.Name(arr))
		}
		x.push(tInt)
	case Athrow:
		x.pop(tThrowable)
	case Checkcast:
		x.popRef()
		x.push(a.classConst(in.Index))
	case Instanceof:
		x.popRef()
		x.push(tInt)
	case Monitorenter, Monitorexit:
		x.popRef()
	case Multianewarray:
		for k := 0; k < in.Const; k++ {
			x.pop(tInt)
		}
		x.push(a.classConst(in.Index))
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

// primElement is the element type of primArray(op).
func primElement(op Opcode) Type {
	switch op {
	case Laload, Lastore:
		return tLong
	case Faload, Fastore:
		return tFloat
	case Daload, Dastore:
		return tDouble
	}
	return tInt
}

// conversion is what a numeric conversion pops and pushes.
func conversion(op Opcode) (from, to Type) {
	kinds := [...]Type{tInt, tLong, tFloat, tDouble}
	// i2l … d2f run in JVMS order: from i, l, f, d, each to the other three.
	k := int(op - I2l)
	from = kinds[k/3]
	j := k % 3
	if j >= k/3 {
		j++
	}
	return from, kinds[j]
}

func returnKind(op Opcode) Kind { return returnType(op).Kind() }

func returnType(op Opcode) Type {
	switch op {
	case Ireturn:
		return tInt
	case Lreturn:
		return tLong
	case Freturn:
		return tFloat
	case Dreturn:
		return tDouble
	}
	return tObject
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
	lat    *Lattice
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

func (x *exec) push(v Type) {
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
		x.f.stack = append(x.f.stack, v.second())
	}
	x.a.noteStack(n)
}

// pushSlots pushes raw slots (for the dup family, which copies halves).
func (x *exec) pushSlots(vs ...Type) {
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
func (x *exec) pop(want Type) Type {
	if x.err != nil {
		return tTop
	}
	n := want.Size()
	s := x.f.stack
	if len(s) < n {
		x.broken("stack underflow: need %s", x.lat.str(want))
		return tTop
	}
	got := s[len(s)-n]
	x.f.stack = s[:len(s)-n]
	if !x.strict {
		return got
	}
	switch {
	case n == 2 && s[len(s)-1] != got.second():
		x.bad("the stack holds half a %s", x.lat.str(want))
	case n == 1 && got.isHalf():
		x.bad("the stack holds the second half of a long or double where %s is expected", x.lat.str(want))
	case !x.a.d.Assignable(got, want):
		x.bad("%s on the stack where %s is expected", x.lat.str(got), x.lat.str(want))
	}
	return got
}

// popCat1 takes one slot that is a whole value.
func (x *exec) popCat1() Type {
	if x.err != nil {
		return tTop
	}
	s := x.f.stack
	if len(s) == 0 {
		x.broken("stack underflow")
		return tTop
	}
	t := s[len(s)-1]
	if x.strict && (t.isHalf() || t.Size() == 2) {
		x.bad("a category 2 value where a category 1 value is expected")
		return tTop
	}
	x.f.stack = s[:len(s)-1]
	return t
}

// popRef takes any initialized reference (or null).
func (x *exec) popRef() Type {
	t := x.popCat1()
	if x.err == nil && t.Kind() != KRef && t != tNull {
		x.bad("%s on the stack where a reference is expected", x.lat.str(t))
	}
	return t
}

func (x *exec) popRefOrUninit() {
	t := x.popCat1()
	if x.err == nil && !t.IsRef() {
		x.bad("%s on the stack where a reference is expected", x.lat.str(t))
	}
}

// popSlots2 takes two raw slots, for pop2 and the dup family, which see the
// stack as slots but must not split a long or double; lower first.
func (x *exec) popSlots2() (lower, upper Type) {
	if x.err != nil {
		return tTop, tTop
	}
	s := x.f.stack
	if len(s) < 2 {
		x.broken("stack underflow")
		return tTop, tTop
	}
	lower, upper = s[len(s)-2], s[len(s)-1]
	// The lower slot taken must not be the second half of a value below.
	if x.strict && lower.isHalf() {
		x.bad("would split a long or double")
		return tTop, tTop
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
func (x *exec) load(n int, want Type) {
	if x.err != nil {
		return
	}
	ls := x.f.locals
	x.a.noteLocals(n + want.Size())
	got := tTop
	if n+want.Size() <= len(ls) {
		got = ls[n]
	} else if x.strict {
		x.bad("local %d is beyond max_locals", n)
		return
	}
	switch {
	case want == tObject:
		if !got.IsRef() {
			x.bad("local %d holds %s, not a reference", n, x.lat.str(got))
		}
	case want.Size() == 2 && (got != want || ls[n+1] != got.second()):
		x.bad("local %d holds no whole %s", n, x.lat.str(want))
		got = want
	case got != want:
		x.bad("local %d holds %s where %s is expected", n, x.lat.str(got), x.lat.str(want))
		got = want
	}
	x.push(got)
}

// store puts t into local n (and n+1 for a long or double), invalidating any
// long or double it overwrites half of; it reports whether a local changed.
func (x *exec) store(n int, t Type) bool {
	if x.err != nil {
		return false
	}
	size := t.Size()
	if t.isHalf() {
		// Storing a lone second half cannot happen in valid code; keep top.
		t, size = tTop, 1
	}
	if len(x.f.locals) < n+size {
		if x.strict {
			x.bad("local %d is beyond max_locals", n)
			return false
		}
		for len(x.f.locals) < n+size {
			x.f.locals = append(x.f.locals, tTop)
		}
		x.a.noteLocals(len(x.f.locals))
	}
	ls := x.f.locals
	if n > 0 && (ls[n-1] == tLong || ls[n-1] == tDouble) {
		ls[n-1] = tTop
	}
	if end := n + size; end < len(ls) && ls[end].isHalf() {
		ls[end] = tTop
	}
	ls[n] = t
	if size == 2 {
		ls[n+1] = t.second()
	}
	return true
}

func (x *exec) arrayOf(arr Type, want string) {
	if x.strict && x.err == nil && arr.Kind() == KRef && x.lat.Name(arr) != want {
		x.bad("%s is not %s", x.lat.Name(arr), want)
	}
}

// objref pops the receiver of a field access or virtual call: an
// initialized reference assignable to owner.
func (x *exec) objref(owner string) {
	t := x.popCat1()
	if !x.strict || x.err != nil || t == tNull {
		return
	}
	if t.Kind() != KRef {
		x.bad("%s where an initialized %s is expected", x.lat.str(t), owner)
		return
	}
	if !x.a.d.Assignable(t, x.lat.Ref(owner)) {
		x.bad("%s is not assignable to %s", x.lat.Name(t), owner)
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
		if s := x.f.stack; x.err == nil && len(s) > 0 && s[len(s)-1] == tUninitThis && owner == a.c.Name() && a.isInit {
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
			x.pop(x.lat.Type(params[i]))
		}
		ret = x.lat.Type(r)
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
			if ret != tTop {
				x.bad("<init> must return void")
			}
			recv := x.popCat1()
			if x.err != nil {
				return false
			}
			var inited Type
			switch recv.Kind() {
			case KUninitThis:
				// this(...) or super(...): the current class or its direct
				// superclass.
				if owner != a.c.Name() && owner != a.c.SuperName() {
					x.bad("uninitializedThis initialized by %s.<init>, neither this class nor its superclass", owner)
				}
				inited = x.lat.Ref(a.c.Name())
			case KUninit:
				// The class is the one named by the new instruction.
				cls := owner
				if i, ok := a.at.lookup(recv.arg()); ok && a.insns[i].Op == New {
					cls = pool.ClassName(uint16(a.insns[i].Index))
				}
				if cls != owner {
					x.bad("uninitialized(%d) is a new %s, initialized by %s.<init>", recv.arg(), cls, owner)
				}
				inited = x.lat.Ref(cls)
			default:
				x.bad("%s is not an uninitialized object", x.lat.str(recv))
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
		if x.strict && owner != a.c.Name() && !a.d.Assignable(x.lat.Ref(a.c.Name()), x.lat.Ref(owner)) {
			x.bad("illegal use of a nonvirtual call: %s is not the current class or a superclass", owner)
			return false
		}
		recv := x.popCat1()
		if x.strict && x.err == nil && recv != tNull && (recv.Kind() != KRef || !a.d.Assignable(recv, x.lat.Ref(a.c.Name()))) {
			x.bad("receiver %s is not the current class %s", x.lat.str(recv), a.c.Name())
			return false
		}
	case Invokeinterface:
		// Interfaces are Object to the verifier: any reference will do.
		recv := x.popCat1()
		if x.err == nil && recv.Kind() != KRef && recv != tNull {
			x.bad("receiver %s is not an initialized reference", x.lat.str(recv))
		}
	case Invokevirtual:
		// An array type's methods (clone) need a receiver of that array
		// type, as any class's do.
		x.objref(owner)
	}
	if x.err == nil && ret != tTop {
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
	t                 Type // a field's type, a method's return type
	slots             int  // a method's argument slots
	iface             bool // an InterfaceMethodref
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
	memoClass
)

// cpMemo is what the machine read from the constant at one pool index, for
// one class: a member reference (or call site) as a refInfo, or the type a
// Class entry gives (checkcast, multianewarray) or the array type
// anewarray makes of it. Frame computation meets the same few constants
// at every call, field access and cast of a class; remembering them by
// index spares the pool's entries, the descriptor and the name's lookup.
type cpMemo struct {
	gen  uint64 // the FrameComputer's; 0 marks an empty entry
	kind uint8
	r    refInfo
	t    Type
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
func (a *analyzer) arrayType(i int) Type {
	m := a.cpMemo(i, memoArray)
	if m != nil && m.gen == a.gen {
		return m.t
	}
	t := a.lat.Ref(arrayOf(a.c.Pool.ClassName(uint16(i))))
	if m != nil {
		*m = cpMemo{gen: a.gen, kind: memoArray, t: t}
	}
	return t
}

// classConst is the type the Class entry at pool index i names (checkcast's
// and multianewarray's result).
func (a *analyzer) classConst(i int) Type {
	m := a.cpMemo(i, memoClass)
	if m != nil && m.gen == a.gen {
		return m.t
	}
	t := a.lat.Ref(a.c.Pool.ClassName(uint16(i)))
	if m != nil {
		*m = cpMemo{gen: a.gen, kind: memoClass, t: t}
	}
	return t
}

// decodeRef decodes the constant an instruction names into the analyzer's
// one refInfo, good until the next call. The descriptor is read here, once
// per constant and class (see ref): reading it costs less than looking its
// text up anywhere.
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
	if n := pool.Get(nt); n != nil && n.Tag == classfile.TagNameAndType {
		r.name, r.desc = pool.Utf8(n.A), pool.Utf8(n.B)
	}
	var t VType
	if field {
		t, r.err = FieldType(r.desc)
	} else {
		r.slots, t, r.err = ArgSlots(r.desc)
	}
	r.t = a.lat.Type(t)
	return r
}

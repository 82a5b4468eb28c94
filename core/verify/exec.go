package verify

import (
	"fmt"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
)

// exec applies one instruction's type rule (JVMS §4.10.1.9) to a state,
// strictly: every operand popped must be assignable to what the
// instruction expects. The first violation is kept in err.
type exec struct {
	mc            *methodCtx
	in            *bytecode.Instruction
	s             *state
	maxStack      int
	err           *Error
	localsChanged bool
}

func (x *exec) fail(format string, args ...any) {
	if x.err == nil {
		x.err = x.mc.v.fail(x.in.Offset, "%s: %s", x.in.Op, fmt.Sprintf(format, args...))
	}
}

func (x *exec) push(t vtype) {
	if x.err != nil {
		return
	}
	if len(x.s.stack)+t.size() > x.maxStack {
		x.fail("the stack would exceed max_stack %d", x.maxStack)
		return
	}
	x.s.stack = append(x.s.stack, t)
	if t.size() == 2 {
		x.s.stack = append(x.s.stack, t.second())
	}
}

// pop takes a value of type want (a long or double as its two slots).
func (x *exec) pop(want vtype) vtype {
	if x.err != nil {
		return top
	}
	n := want.size()
	if len(x.s.stack) < n {
		x.fail("stack underflow: need %s", want)
		return top
	}
	got := x.s.stack[len(x.s.stack)-n]
	if n == 2 && x.s.stack[len(x.s.stack)-1] != got.second() {
		x.fail("the stack holds half a %s", want)
		return top
	}
	if n == 1 && (got.k == kLong2 || got.k == kDouble2) {
		x.fail("the stack holds the second half of a long or double where %s is expected", want)
		return top
	}
	x.s.stack = x.s.stack[:len(x.s.stack)-n]
	if !x.mc.v.hier.assignable(got, want) {
		x.fail("%s on the stack where %s is expected", got, want)
	}
	return got
}

// popRef takes any reference (or null), initialized.
func (x *exec) popRef() vtype {
	t := x.popCat1()
	if x.err == nil && t.k != kRef && t.k != kNull {
		x.fail("%s on the stack where a reference is expected", t)
	}
	return t
}

// popCat1 takes one slot that is a whole value.
func (x *exec) popCat1() vtype {
	if x.err != nil {
		return top
	}
	if len(x.s.stack) == 0 {
		x.fail("stack underflow")
		return top
	}
	t := x.s.stack[len(x.s.stack)-1]
	if t.k == kLong2 || t.k == kDouble2 || t.k == kLong || t.k == kDouble {
		x.fail("a category 2 value where a category 1 value is expected")
		return top
	}
	x.s.stack = x.s.stack[:len(x.s.stack)-1]
	return t
}

// popSlots takes n raw slots, for pop2 and the dup family, which see the
// stack as slots but must not split a long or double.
func (x *exec) popSlots(n int) []vtype {
	if x.err != nil {
		return nil
	}
	if len(x.s.stack) < n {
		x.fail("stack underflow")
		return nil
	}
	out := append([]vtype(nil), x.s.stack[len(x.s.stack)-n:]...)
	// The bottom slot taken must not be the second half of a value below.
	if b := out[0]; b.k == kLong2 || b.k == kDouble2 {
		x.fail("would split a long or double")
		return nil
	}
	x.s.stack = x.s.stack[:len(x.s.stack)-n]
	return out
}

func (x *exec) pushSlots(ts []vtype) {
	if x.err != nil {
		return
	}
	if len(x.s.stack)+len(ts) > x.maxStack {
		x.fail("the stack would exceed max_stack %d", x.maxStack)
		return
	}
	x.s.stack = append(x.s.stack, ts...)
}

func (x *exec) load(n int, want vtype) {
	if x.err != nil {
		return
	}
	ls := x.s.locals
	if n+want.size() > len(ls) {
		x.fail("local %d is beyond max_locals", n)
		return
	}
	got := ls[n]
	if want.size() == 2 && ls[n+1] != got.second() {
		x.fail("local %d holds no whole %s", n, want)
		return
	}
	if want.k == kRef {
		// aload: any reference, initialized or not (JVMS §4.10.1.9.aload).
		if !got.isRef() {
			x.fail("local %d holds %s, not a reference", n, got)
			return
		}
		x.push(got)
		return
	}
	if got != want {
		x.fail("local %d holds %s where %s is expected", n, got, want)
		return
	}
	x.push(got)
}

func (x *exec) store(n int, t vtype) {
	if x.err != nil {
		return
	}
	ls := x.s.locals
	if n+t.size() > len(ls) {
		x.fail("local %d is beyond max_locals", n)
		return
	}
	// Overwriting half of a long or double leaves the other half unusable.
	if n > 0 && (ls[n-1].k == kLong || ls[n-1].k == kDouble) {
		ls[n-1] = top
	}
	if e := n + t.size(); e < len(ls) && (ls[e].k == kLong2 || ls[e].k == kDouble2) {
		ls[e] = top
	}
	ls[n] = t
	if t.size() == 2 {
		ls[n+1] = t.second()
	}
	x.localsChanged = true
}

func (x *exec) run() {
	in := x.in
	v := x.mc.v
	pool := &v.c.Pool
	switch op := in.Op; op {
	case bytecode.Nop:
	case bytecode.AconstNull:
		x.push(tNull)
	case bytecode.IconstM1, bytecode.Iconst0, bytecode.Iconst1, bytecode.Iconst2, bytecode.Iconst3, bytecode.Iconst4, bytecode.Iconst5, bytecode.Bipush, bytecode.Sipush:
		x.push(tInt)
	case bytecode.Lconst0, bytecode.Lconst1:
		x.push(tLong)
	case bytecode.Fconst0, bytecode.Fconst1, bytecode.Fconst2:
		x.push(tFloat)
	case bytecode.Dconst0, bytecode.Dconst1:
		x.push(tDouble)
	case bytecode.Ldc, bytecode.LdcW, bytecode.Ldc2W:
		k := pool.Get(uint16(in.Index))
		switch k.Tag {
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
			x.push(ref("java/lang/Class"))
		case classfile.TagMethodType:
			x.push(ref("java/lang/invoke/MethodType"))
		case classfile.TagMethodHandle:
			x.push(ref("java/lang/invoke/MethodHandle"))
		case classfile.TagDynamic:
			_, d := pool.NameAndType(k.B)
			t, err := fieldType(d)
			if err != nil {
				x.fail("%v", err)
				return
			}
			x.push(t)
		}
	case bytecode.Iload, bytecode.Iload0, bytecode.Iload1, bytecode.Iload2, bytecode.Iload3:
		x.load(in.Index, tInt)
	case bytecode.Lload, bytecode.Lload0, bytecode.Lload1, bytecode.Lload2, bytecode.Lload3:
		x.load(in.Index, tLong)
	case bytecode.Fload, bytecode.Fload0, bytecode.Fload1, bytecode.Fload2, bytecode.Fload3:
		x.load(in.Index, tFloat)
	case bytecode.Dload, bytecode.Dload0, bytecode.Dload1, bytecode.Dload2, bytecode.Dload3:
		x.load(in.Index, tDouble)
	case bytecode.Aload, bytecode.Aload0, bytecode.Aload1, bytecode.Aload2, bytecode.Aload3:
		x.load(in.Index, tObject)
	case bytecode.Iaload, bytecode.Baload, bytecode.Caload, bytecode.Saload:
		x.pop(tInt)
		a := x.popRef()
		if x.err == nil && a.k == kRef {
			c, ok := component(a)
			want := map[bytecode.Opcode]string{bytecode.Iaload: "[I", bytecode.Caload: "[C", bytecode.Saload: "[S"}[op]
			switch {
			case !ok || c.k != kInt:
				x.fail("%s is not an array of a small integer type", a)
			case op == bytecode.Baload && a.name != "[B" && a.name != "[Z":
				x.fail("%s is not a byte or boolean array", a)
			case op != bytecode.Baload && a.name != want:
				x.fail("%s is not %s", a, want)
			}
		}
		x.push(tInt)
	case bytecode.Laload, bytecode.Faload, bytecode.Daload:
		t := map[bytecode.Opcode]vtype{bytecode.Laload: tLong, bytecode.Faload: tFloat, bytecode.Daload: tDouble}[op]
		x.pop(tInt)
		x.arrayOf(x.popRef(), map[bytecode.Opcode]string{bytecode.Laload: "[J", bytecode.Faload: "[F", bytecode.Daload: "[D"}[op])
		x.push(t)
	case bytecode.Aaload:
		x.pop(tInt)
		a := x.popRef()
		if x.err != nil {
			return
		}
		if a.k == kNull {
			x.push(tNull)
			return
		}
		c, ok := component(a)
		if !ok || c.k != kRef {
			x.fail("%s is not an array of references", a)
			return
		}
		x.push(c)
	case bytecode.Istore, bytecode.Istore0, bytecode.Istore1, bytecode.Istore2, bytecode.Istore3:
		x.store(in.Index, x.pop(tInt))
	case bytecode.Lstore, bytecode.Lstore0, bytecode.Lstore1, bytecode.Lstore2, bytecode.Lstore3:
		x.store(in.Index, x.pop(tLong))
	case bytecode.Fstore, bytecode.Fstore0, bytecode.Fstore1, bytecode.Fstore2, bytecode.Fstore3:
		x.store(in.Index, x.pop(tFloat))
	case bytecode.Dstore, bytecode.Dstore0, bytecode.Dstore1, bytecode.Dstore2, bytecode.Dstore3:
		x.store(in.Index, x.pop(tDouble))
	case bytecode.Astore, bytecode.Astore0, bytecode.Astore1, bytecode.Astore2, bytecode.Astore3:
		// astore takes a reference or a return address (JVMS §4.10.1.9.astore).
		t := x.popCat1()
		if x.err == nil && !t.isRef() && t.k != kRetAddr {
			x.fail("%s on the stack, not a reference", t)
		}
		x.store(in.Index, t)
	case bytecode.Iastore, bytecode.Bastore, bytecode.Castore, bytecode.Sastore:
		x.pop(tInt)
		x.pop(tInt)
		a := x.popRef()
		if x.err == nil && a.k == kRef {
			ok := map[bytecode.Opcode]bool{bytecode.Iastore: a.name == "[I", bytecode.Bastore: a.name == "[B" || a.name == "[Z",
				bytecode.Castore: a.name == "[C", bytecode.Sastore: a.name == "[S"}[op]
			if !ok {
				x.fail("%s is the wrong array type", a)
			}
		}
	case bytecode.Lastore, bytecode.Fastore, bytecode.Dastore:
		t := map[bytecode.Opcode]vtype{bytecode.Lastore: tLong, bytecode.Fastore: tFloat, bytecode.Dastore: tDouble}[op]
		x.pop(t)
		x.pop(tInt)
		x.arrayOf(x.popRef(), map[bytecode.Opcode]string{bytecode.Lastore: "[J", bytecode.Fastore: "[F", bytecode.Dastore: "[D"}[op])
	case bytecode.Aastore:
		// The value's type against the component is checked at run time
		// (ArrayStoreException); statically it is any reference.
		x.popRef()
		x.pop(tInt)
		a := x.popRef()
		if x.err == nil && a.k == kRef {
			if c, ok := component(a); !ok || c.k != kRef {
				x.fail("%s is not an array of references", a)
			}
		}
	case bytecode.Pop:
		x.popCat1()
	case bytecode.Pop2:
		x.popSlots(2)
	case bytecode.Dup:
		t := x.popCat1()
		x.pushSlots([]vtype{t, t})
	case bytecode.DupX1:
		a := x.popCat1()
		b := x.popCat1()
		x.pushSlots([]vtype{a, b, a})
	case bytecode.DupX2:
		a := x.popCat1()
		bc := x.popSlots(2)
		if x.err == nil {
			x.pushSlots(append(append([]vtype{a}, bc...), a))
		}
	case bytecode.Dup2:
		ab := x.popSlots(2)
		if x.err == nil {
			x.pushSlots(append(append([]vtype(nil), ab...), ab...))
		}
	case bytecode.Dup2X1:
		ab := x.popSlots(2)
		c := x.popCat1()
		if x.err == nil {
			x.pushSlots(append(append(append([]vtype(nil), ab...), c), ab...))
		}
	case bytecode.Dup2X2:
		ab := x.popSlots(2)
		cd := x.popSlots(2)
		if x.err == nil {
			x.pushSlots(append(append(append([]vtype(nil), ab...), cd...), ab...))
		}
	case bytecode.Swap:
		a := x.popCat1()
		b := x.popCat1()
		x.pushSlots([]vtype{a, b})
	case bytecode.Iadd, bytecode.Isub, bytecode.Imul, bytecode.Idiv, bytecode.Irem, bytecode.Ishl, bytecode.Ishr, bytecode.Iushr, bytecode.Iand, bytecode.Ior, bytecode.Ixor:
		x.pop(tInt)
		x.pop(tInt)
		x.push(tInt)
	case bytecode.Ladd, bytecode.Lsub, bytecode.Lmul, bytecode.Ldiv, bytecode.Lrem, bytecode.Land, bytecode.Lor, bytecode.Lxor:
		x.pop(tLong)
		x.pop(tLong)
		x.push(tLong)
	case bytecode.Lshl, bytecode.Lshr, bytecode.Lushr:
		x.pop(tInt)
		x.pop(tLong)
		x.push(tLong)
	case bytecode.Fadd, bytecode.Fsub, bytecode.Fmul, bytecode.Fdiv, bytecode.Frem:
		x.pop(tFloat)
		x.pop(tFloat)
		x.push(tFloat)
	case bytecode.Dadd, bytecode.Dsub, bytecode.Dmul, bytecode.Ddiv, bytecode.Drem:
		x.pop(tDouble)
		x.pop(tDouble)
		x.push(tDouble)
	case bytecode.Ineg, bytecode.I2b, bytecode.I2c, bytecode.I2s:
		x.push(x.pop(tInt))
	case bytecode.Lneg:
		x.push(x.pop(tLong))
	case bytecode.Fneg:
		x.push(x.pop(tFloat))
	case bytecode.Dneg:
		x.push(x.pop(tDouble))
	case bytecode.Iinc:
		if in.Index >= len(x.s.locals) || x.s.locals[in.Index] != tInt {
			x.fail("local %d does not hold an int", in.Index)
		}
	case bytecode.I2l, bytecode.I2f, bytecode.I2d, bytecode.L2i, bytecode.L2f, bytecode.L2d, bytecode.F2i, bytecode.F2l, bytecode.F2d, bytecode.D2i, bytecode.D2l, bytecode.D2f:
		from := map[byte]vtype{'I': tInt, 'L': tLong, 'F': tFloat, 'D': tDouble}
		name := op.String() // e.g. i2l
		x.pop(from[upper(name[0])])
		x.push(from[upper(name[2])])
	case bytecode.Lcmp:
		x.pop(tLong)
		x.pop(tLong)
		x.push(tInt)
	case bytecode.Fcmpl, bytecode.Fcmpg:
		x.pop(tFloat)
		x.pop(tFloat)
		x.push(tInt)
	case bytecode.Dcmpl, bytecode.Dcmpg:
		x.pop(tDouble)
		x.pop(tDouble)
		x.push(tInt)
	case bytecode.Ifeq, bytecode.Ifne, bytecode.Iflt, bytecode.Ifge, bytecode.Ifgt, bytecode.Ifle:
		x.pop(tInt)
	case bytecode.IfIcmpeq, bytecode.IfIcmpne, bytecode.IfIcmplt, bytecode.IfIcmpge, bytecode.IfIcmpgt, bytecode.IfIcmple:
		x.pop(tInt)
		x.pop(tInt)
	case bytecode.IfAcmpeq, bytecode.IfAcmpne:
		x.popRefOrUninit()
		x.popRefOrUninit()
	case bytecode.Ifnull, bytecode.Ifnonnull:
		x.popRefOrUninit()
	case bytecode.Goto, bytecode.GotoW:
	case bytecode.Tableswitch, bytecode.Lookupswitch:
		x.pop(tInt)
		if in.Op == bytecode.Lookupswitch && in.Switch != nil {
			for k := 1; k < len(in.Switch.Keys); k++ {
				if in.Switch.Keys[k] <= in.Switch.Keys[k-1] {
					x.fail("lookupswitch keys are not sorted")
				}
			}
		}
	case bytecode.Ireturn, bytecode.Lreturn, bytecode.Freturn, bytecode.Dreturn, bytecode.Areturn:
		r := x.mc.ret
		want := map[bytecode.Opcode]kind{bytecode.Ireturn: kInt, bytecode.Lreturn: kLong, bytecode.Freturn: kFloat, bytecode.Dreturn: kDouble, bytecode.Areturn: kRef}[op]
		if r.k != want {
			x.fail("the method returns %s", map[bool]string{true: "void", false: r.String()}[r.k == kTop])
			return
		}
		x.pop(r)
	case bytecode.Return:
		if x.mc.ret.k != kTop {
			x.fail("the method returns %s", x.mc.ret)
			return
		}
		if x.mc.name == "<init>" {
			for _, l := range x.s.locals {
				if l.k == kUninitThis {
					x.fail("the constructor returns before calling a superclass or sibling constructor")
					return
				}
			}
		}
	case bytecode.Getstatic, bytecode.Putstatic, bytecode.Getfield, bytecode.Putfield:
		x.field()
	case bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokestatic, bytecode.Invokeinterface, bytecode.Invokedynamic:
		x.invoke()
	case bytecode.New:
		// The same uninitialized type must not be live already (HotSpot
		// checks this where a loop re-executes the new).
		u := vtype{k: kUninit, off: int32(in.Offset)}
		for _, t := range x.s.stack {
			if t == u {
				x.fail("uninitialized(%d) is already on the stack", in.Offset)
			}
		}
		for i, t := range x.s.locals {
			if t == u {
				x.s.locals[i] = top
			}
		}
		x.push(u)
	case bytecode.Newarray:
		x.pop(tInt)
		x.push(ref("[" + string("????ZCFDBSIJ"[in.Index])))
	case bytecode.Anewarray:
		x.pop(tInt)
		n := pool.ClassName(uint16(in.Index))
		if n[0] == '[' {
			x.push(ref("[" + n))
		} else {
			x.push(ref("[L" + n + ";"))
		}
	case bytecode.Arraylength:
		a := x.popRef()
		if x.err == nil && a.k == kRef {
			if _, ok := component(a); !ok {
				x.fail("%s is not an array", a)
			}
		}
		x.push(tInt)
	case bytecode.Athrow:
		x.pop(tThrowable)
	case bytecode.Checkcast:
		x.popRef()
		x.push(classType(pool.ClassName(uint16(in.Index))))
	case bytecode.Instanceof:
		x.popRef()
		x.push(tInt)
	case bytecode.Monitorenter, bytecode.Monitorexit:
		x.popRef()
	case bytecode.Multianewarray:
		for k := 0; k < in.Const; k++ {
			x.pop(tInt)
		}
		x.push(classType(pool.ClassName(uint16(in.Index))))
	case bytecode.Jsr, bytecode.JsrW, bytecode.Ret:
		x.fail("subroutines are not allowed in a class verified by type checking")
	default:
		x.fail("unknown instruction")
	}
}

func upper(b byte) byte { return b - 'a' + 'A' }

func (x *exec) popRefOrUninit() {
	t := x.popCat1()
	if x.err == nil && !t.isRef() {
		x.fail("%s on the stack where a reference is expected", t)
	}
}

func (x *exec) arrayOf(a vtype, want string) {
	if x.err == nil && a.k == kRef && a.name != want {
		x.fail("%s is not %s", a, want)
	}
}

// field applies get/put field and static rules. Whether the field exists
// is the client's to check (an assumption); its type comes from the
// reference. Protected access is checked where the hierarchy can tell.
func (x *exec) field() {
	in := x.in
	v := x.mc.v
	owner, name, desc := v.c.Pool.MemberRef(uint16(in.Index))
	t, err := fieldType(desc)
	if err != nil {
		x.fail("%v", err)
		return
	}
	if owner == "" || owner[0] == '[' || !validUnqualified(name) {
		x.fail("bad field reference %s.%s", owner, name)
		return
	}
	static := in.Op == bytecode.Getstatic || in.Op == bytecode.Putstatic
	if owner != v.c.Name() {
		v.assume(Assumption{Scope: x.mc.name + x.mc.desc, Kind: Field, Class: owner, Name: name, Desc: desc, Static: static})
	}
	switch in.Op {
	case bytecode.Getstatic:
		x.push(t)
	case bytecode.Putstatic:
		x.pop(t)
	case bytecode.Getfield:
		x.objref(owner)
		x.push(t)
	case bytecode.Putfield:
		x.pop(t)
		// A constructor may set its own class's fields before calling
		// super (JVMS §4.10.1.9.putfield).
		if len(x.s.stack) > 0 && x.s.stack[len(x.s.stack)-1].k == kUninitThis && owner == v.c.Name() && x.mc.name == "<init>" {
			x.s.stack = x.s.stack[:len(x.s.stack)-1]
			return
		}
		x.objref(owner)
	}
}

// objref pops the receiver of a field access or virtual call: an
// initialized reference assignable to owner.
func (x *exec) objref(owner string) {
	t := x.popCat1()
	if x.err != nil {
		return
	}
	if t.k == kNull {
		return
	}
	if t.k != kRef {
		x.fail("%s where an initialized %s is expected", t, owner)
		return
	}
	if !x.mc.v.hier.assignable(t, classType(owner)) {
		x.fail("%s is not assignable to %s", t, owner)
	}
}

func (x *exec) invoke() {
	in := x.in
	v := x.mc.v
	pool := &v.c.Pool
	var owner, name, desc string
	if in.Op == bytecode.Invokedynamic {
		k := pool.Get(uint16(in.Index))
		name, desc = pool.NameAndType(k.B)
	} else {
		owner, name, desc = pool.MemberRef(uint16(in.Index))
		if owner == "" {
			x.fail("bad method reference")
			return
		}
	}
	params, ret, err := methodType(desc)
	if err != nil {
		x.fail("%v", err)
		return
	}
	for i := len(params) - 1; i >= 0; i-- {
		x.pop(params[i])
	}
	if x.err != nil {
		return
	}
	scope := x.mc.name + x.mc.desc
	if owner != "" && owner[0] != '[' && owner != v.c.Name() {
		k := Method
		if in.Op == bytecode.Invokeinterface || pool.Get(uint16(in.Index)).Tag == classfile.TagInterfaceMethodref {
			k = InterfaceMethod
		}
		v.assume(Assumption{Scope: scope, Kind: k, Class: owner, Name: name, Desc: desc, Static: in.Op == bytecode.Invokestatic})
	}
	switch in.Op {
	case bytecode.Invokespecial:
		if name == "<init>" {
			if ret.k != kTop {
				x.fail("<init> must return void")
				return
			}
			recv := x.popCat1()
			if x.err != nil {
				return
			}
			var inited vtype
			switch recv.k {
			case kUninitThis:
				// this(...) or super(...): the current class or its direct
				// superclass.
				if owner != v.c.Name() && owner != v.c.SuperName() {
					x.fail("uninitializedThis initialized by %s.<init>, neither this class nor its superclass", owner)
					return
				}
				inited = ref(v.c.Name())
			case kUninit:
				i := x.mc.at[int(recv.off)]
				cls := pool.ClassName(uint16(x.mc.insns[i].Index))
				if cls != owner {
					x.fail("uninitialized(%d) is a new %s, initialized by %s.<init>", recv.off, cls, owner)
					return
				}
				inited = ref(cls)
			default:
				x.fail("%s is not an uninitialized object", recv)
				return
			}
			x.replace(recv, inited)
			return
		}
		// A private or super method: of the current class, a superclass or
		// an interface, with the current class as receiver (JVMS
		// §4.10.1.9.invokespecial).
		if owner != v.c.Name() && !x.mc.v.hier.refAssignable(v.c.Name(), owner) {
			x.fail("illegal use of a nonvirtual call: %s is not the current class or a superclass", owner)
			return
		}
		recv := x.popCat1()
		if x.err == nil && recv.k != kNull && (recv.k != kRef || !x.mc.v.hier.assignable(recv, ref(v.c.Name()))) {
			x.fail("receiver %s is not the current class %s", recv, v.c.Name())
			return
		}
	case bytecode.Invokevirtual, bytecode.Invokeinterface:
		if in.Op == bytecode.Invokeinterface {
			// Interfaces are Object to the verifier: any reference will do.
			recv := x.popCat1()
			if x.err == nil && recv.k != kRef && recv.k != kNull {
				x.fail("receiver %s is not an initialized reference", recv)
			}
		} else {
			// An array type's methods (clone) need a receiver of that
			// array type, as any class's do.
			x.objref(owner)
		}
	}
	if x.err == nil && ret.k != kTop {
		x.push(ret)
	}
}

// replace turns every occurrence of an uninitialized type into the
// initialized one, in locals and on the stack.
func (x *exec) replace(from, to vtype) {
	for i, t := range x.s.stack {
		if t == from {
			x.s.stack[i] = to
		}
	}
	for i, t := range x.s.locals {
		if t == from {
			x.s.locals[i] = to
			x.localsChanged = true
		}
	}
}

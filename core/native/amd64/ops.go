package amd64

import (
	"fmt"
	"strings"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

var intOps = map[ir.Op]string{ir.OpAdd: "add", ir.OpSub: "sub", ir.OpAnd: "and", ir.OpOr: "or", ir.OpXor: "xor"}
var fltOps = map[ir.Op]string{ir.OpAdd: "add", ir.OpSub: "sub", ir.OpMul: "mul", ir.OpDiv: "div"}
var shiftOps = map[ir.Op]string{ir.OpShl: "shl", ir.OpShr: "sar", ir.OpUshr: "shr"}

// value selects the instructions of one IR value. Each reads its operands
// before it writes its result, so a result may share a register with an
// operand whose life ends here.
func (g *gen) value(v *ir.Value) {
	switch v.Op {
	case ir.OpConst, ir.OpParam, ir.OpPhi:
		// rematerialised at uses; moved in by the prologue; moved in by predecessors
	case ir.OpCopy:
		g.move(v, v.Args[0])
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpAnd, ir.OpOr, ir.OpXor:
		if v.Type.IsFloat() {
			g.ldx(14, v.Args[0])
			g.ins("%s%s xmm14, %s", fltOps[v.Op], sfx(v.Type), g.fltOperand(v.Args[1]))
			g.stx(v, 14)
			return
		}
		if v.Op == ir.OpDiv {
			g.divide(v)
			return
		}
		y := g.operand(v.Args[1])
		g.ldg(rAX, v.Args[0])
		acc := accName(v.Type)
		if v.Op == ir.OpMul {
			if v.Args[1].Op == ir.OpConst && y != "rcx" {
				g.ins("imul %s, %s, %s", acc, acc, y)
			} else {
				g.ins("imul %s, %s", acc, y)
			}
		} else {
			g.ins("%s %s, %s", intOps[v.Op], acc, y)
		}
		g.stg(v, rAX)
	case ir.OpRem:
		if v.Type.IsFloat() {
			g.fmod(v)
			return
		}
		g.divide(v)
	case ir.OpNeg:
		if v.Type.IsFloat() {
			g.ldx(14, v.Args[0])
			if v.Type == ir.Float {
				g.ins("mov eax, 0x80000000")
				g.ins("movd xmm15, eax")
			} else {
				g.ins("movabs rax, 0x8000000000000000")
				g.ins("movq xmm15, rax")
			}
			g.ins("xorps xmm14, xmm15")
			g.stx(v, 14)
			return
		}
		g.ldg(rAX, v.Args[0])
		g.ins("neg %s", accName(v.Type))
		g.stg(v, rAX)
	case ir.OpShl, ir.OpShr, ir.OpUshr:
		// The hardware masks the count to 5 bits (32-bit operand) or 6
		// (64-bit), as JVMS §6.5.ishl and §6.5.lshl ask.
		g.ldg(rCX, v.Args[1])
		g.ldg(rAX, v.Args[0])
		g.ins("%s %s, cl", shiftOps[v.Op], accName(v.Type))
		g.stg(v, rAX)
	case ir.OpConv:
		g.conv(v)
	case ir.OpLcmp:
		g.ldg(rAX, v.Args[0])
		g.ins("cmp rax, %s", g.operand(v.Args[1]))
		g.ins("setg al")
		g.ins("setl dl")
		g.ins("movzx eax, al")
		g.ins("movzx edx, dl")
		g.ins("sub eax, edx")
		g.stg(v, rAX)
	case ir.OpCmpl, ir.OpCmpg:
		// ucomis sets PF for unordered (a NaN), CF for below, neither for above.
		x := v.Args[0]
		g.ldx(14, x)
		g.ins("ucomi%s xmm14, %s", sfx(x.Type), g.fltOperand(v.Args[1]))
		nan, done := g.label(), g.label()
		g.ins("jp %s", nan)
		g.ins("seta al")
		g.ins("setb dl")
		g.ins("movzx eax, al")
		g.ins("movzx edx, dl")
		g.ins("sub eax, edx")
		g.ins("jmp %s", done)
		fmt.Fprintf(&g.out, "%s:\n", nan)
		if v.Op == ir.OpCmpl {
			g.ins("mov eax, -1")
		} else {
			g.ins("mov eax, 1")
		}
		fmt.Fprintf(&g.out, "%s:\n", done)
		g.stg(v, rAX)
	case ir.OpNullCheck:
		g.ldg(rAX, v.Args[0])
		g.ins("test rax, rax")
		g.ins("jz %s", g.throwStub(ir.Throws(v.Op), v.Msg))
	case ir.OpBoundsCheck:
		// One unsigned compare covers index < 0 and index >= length.
		g.ldg(rAX, v.Args[0])
		g.ins("cmp eax, %s", g.operand(v.Args[1]))
		g.ins("jae %s", g.boundsFailure(v.Args[1]))
	case ir.OpDivZeroCheck:
		g.ldg(rAX, v.Args[0])
		g.ins("test %s, %s", accName(v.Args[0].Type), accName(v.Args[0].Type))
		g.ins("jz %s", g.throwStub(ir.Throws(v.Op), "/ by zero"))
	case ir.OpNegSizeCheck:
		g.ldg(rAX, v.Args[0])
		g.ins("test eax, eax")
		g.ins("js %s", g.throwStub(ir.Throws(v.Op), msgSize)) // the size in eax
	case ir.OpArrayLen:
		if pn := g.pins[v.Args[0]]; pn != nil {
			g.ins("mov eax, DWORD PTR [rbp-%d]", pn.length)
			g.stg(v, rAX)
			return
		}
		g.ldg(rSI, v.Args[0])
		g.jni(jniGetArrayLength)
		g.stg(v, rAX)
	case ir.OpArrayLoad, ir.OpArrayStore:
		if pn := g.pins[v.Args[0]]; pn != nil {
			g.pinnedAccess(v, pn)
			return
		}
		if bf := g.buffers[v.Args[0]]; bf != nil && v.Op == ir.OpArrayLoad {
			g.bufferedLoad(v, bf)
			return
		}
		g.arrayAccess(v)
	case ir.OpNewArray:
		g.ldg(rSI, v.Args[0])
		g.jni(jniNewArray + elemIndex(byte(v.AuxInt)))
		g.ins("test rax, rax")
		g.ins("jz %s", g.pendingLabel())
		g.stg(v, rAX)
	case ir.OpGetStatic, ir.OpPutStatic, ir.OpGetField, ir.OpPutField:
		if isDeferred(v) {
			g.deferredStore(v)
			return
		}
		g.field(v)
	case ir.OpCall:
		g.call(v)
	case ir.OpNew, ir.OpNewObjArray, ir.OpObjArrayLoad, ir.OpObjArrayStore, ir.OpInvoke,
		ir.OpCheckCast, ir.OpInstanceOf, ir.OpString:
		if native.Intrinsic(v) {
			g.intrinsic(v)
			return
		}
		g.object(v)
	default:
		panic(fmt.Sprintf("amd64: no selection for %s", v.LongString()))
	}
}

func accName(t ir.Type) string {
	if t.Is64() {
		return "rax"
	}
	return "eax"
}

// fltOperand is v as the source of an SSE instruction: its register or
// slot, or the constant loaded into xmm15.
func (g *gen) fltOperand(v *ir.Value) string {
	if v.Op == ir.OpConst {
		g.ldx(15, v)
		return "xmm15"
	}
	return g.opnd(v)
}

// move copies src into dst's location.
func (g *gen) move(dst, src *ir.Value) {
	if dst.Type.IsFloat() {
		g.ldx(14, src)
		g.stx(dst, 14)
		return
	}
	g.ldg(rAX, src)
	g.stg(dst, rAX)
}

// divide is idiv/irem/ldiv/lrem after their zero check. x86's idiv traps
// on MIN_VALUE / -1, where Java gives MIN_VALUE and remainder 0 (JVMS
// §6.5.idiv), so a divisor of -1 negates instead.
func (g *gen) divide(v *ir.Value) {
	g.ldg(rCX, v.Args[1])
	g.ldg(rAX, v.Args[0])
	wide := v.Type.Is64()
	c, acc := "ecx", "eax"
	if wide {
		c, acc = "rcx", "rax"
	}
	minus, done := g.label(), g.label()
	g.ins("cmp %s, -1", c)
	g.ins("je %s", minus)
	if wide {
		g.ins("cqo")
	} else {
		g.ins("cdq")
	}
	g.ins("idiv %s", c)
	if v.Op == ir.OpRem {
		g.ins("mov %s, %s", acc, map[bool]string{false: "edx", true: "rdx"}[wide])
	}
	g.ins("jmp %s", done)
	fmt.Fprintf(&g.out, "%s:\n", minus)
	if v.Op == ir.OpRem {
		g.ins("xor eax, eax")
	} else {
		g.ins("neg %s", acc)
	}
	fmt.Fprintf(&g.out, "%s:\n", done)
	g.stg(v, rAX)
}

// fmod is frem/drem: C's fmod and fmodf compute exactly the IEEE
// remainder with truncation that JVMS §6.5.drem defines.
func (g *gen) fmod(v *ir.Value) {
	g.ldx(0, v.Args[0])
	g.ldx(1, v.Args[1])
	if v.Type == ir.Float {
		g.ins("call fmodf@PLT")
	} else {
		g.ins("call fmod@PLT")
	}
	g.stx(v, 0)
}

// conv is JVMS §6.5's conversions; float to integer saturates and maps NaN
// to 0, where cvtt gives the "integer indefinite" MIN_VALUE.
func (g *gen) conv(v *ir.Value) {
	x := v.Args[0]
	from, to := x.Type, v.Type
	switch {
	case from == ir.Int && to == ir.Int:
		g.ldg(rAX, x)
		switch byte(v.AuxInt) {
		case 'B':
			g.ins("movsx eax, al")
		case 'C':
			g.ins("movzx eax, ax")
		case 'S':
			g.ins("movsx eax, ax")
		}
		g.stg(v, rAX)
	case from == ir.Int && to == ir.Long:
		g.ldg(rAX, x)
		g.ins("movsxd rax, eax")
		g.stg(v, rAX)
	case from == ir.Long && to == ir.Int:
		g.ldg(rAX, x)
		g.ins("mov eax, eax")
		g.stg(v, rAX)
	case !from.IsFloat() && to.IsFloat():
		g.ldg(rAX, x)
		g.ins("pxor xmm14, xmm14")
		g.ins("cvtsi2%s xmm14, %s", sfx(to), accName(from))
		g.stx(v, 14)
	case from.IsFloat() && to.IsFloat():
		g.ldx(14, x)
		g.ins("cvt%s2%s xmm14, xmm14", sfx(from), sfx(to))
		g.stx(v, 14)
	default: // float or double to int or long
		g.ldx(14, x)
		acc := accName(to)
		g.ins("cvtt%s2si %s, xmm14", sfx(from), acc)
		done, nan := g.label(), g.label()
		if to == ir.Long {
			g.ins("movabs rcx, 0x8000000000000000")
			g.ins("cmp rax, rcx")
		} else {
			g.ins("cmp eax, 0x80000000")
		}
		g.ins("jne %s", done)
		g.ins("pxor xmm15, xmm15")
		g.ins("ucomi%s xmm14, xmm15", sfx(from))
		g.ins("jp %s", nan)
		g.ins("jb %s", done)
		if to == ir.Long {
			g.ins("movabs rax, 0x7fffffffffffffff")
		} else {
			g.ins("mov eax, 0x7fffffff")
		}
		g.ins("jmp %s", done)
		fmt.Fprintf(&g.out, "%s:\n", nan)
		g.ins("xor eax, eax")
		fmt.Fprintf(&g.out, "%s:\n", done)
		g.stg(v, rAX)
	}
}

// arrayAccess reads or writes one element through Get/Set<Type>ArrayRegion
// and a frame slot: legal JNI that keeps no heap pointer (JNI
// specification, chapter 4, "Get<PrimitiveType>ArrayRegion Routines").
// The index is checked before, so the call cannot throw.
func (g *gen) arrayAccess(v *ir.Value) {
	e := byte(v.AuxInt)
	if v.Op == ir.OpArrayStore {
		x := v.Args[2]
		if x.Type.IsFloat() {
			g.ldx(14, x)
			g.ins("%s %s PTR [rbp-%d], xmm14", movf(x.Type), map[bool]string{false: "DWORD", true: "QWORD"}[x.Type == ir.Double], frameScratch)
		} else {
			g.ldg(rAX, x)
			switch e {
			case 'Z', 'B':
				g.ins("mov BYTE PTR [rbp-%d], al", frameScratch)
			case 'C', 'S':
				g.ins("mov WORD PTR [rbp-%d], ax", frameScratch)
			case 'I':
				g.ins("mov DWORD PTR [rbp-%d], eax", frameScratch)
			default:
				g.ins("mov QWORD PTR [rbp-%d], rax", frameScratch)
			}
		}
	}
	g.ldg(rSI, v.Args[0])
	g.ldg(rDX, v.Args[1])
	g.ins("mov ecx, 1")
	g.ins("lea r8, [rbp-%d]", frameScratch)
	if v.Op == ir.OpArrayStore {
		g.jni(jniSetArrayRegion + elemIndex(e))
		return
	}
	g.jni(jniGetArrayRegion + elemIndex(e))
	g.loadScratch(v, e)
}

// loadScratch reads a value of element type e from the scratch slot into v.
func (g *gen) loadScratch(v *ir.Value, e byte) {
	at := fmt.Sprintf("[rbp-%d]", frameScratch)
	switch e {
	case 'Z':
		g.ins("movzx eax, BYTE PTR %s", at)
	case 'B':
		g.ins("movsx eax, BYTE PTR %s", at)
	case 'C':
		g.ins("movzx eax, WORD PTR %s", at)
	case 'S':
		g.ins("movsx eax, WORD PTR %s", at)
	case 'I':
		g.ins("mov eax, DWORD PTR %s", at)
	case 'J':
		g.ins("mov rax, QWORD PTR %s", at)
	case 'F':
		g.ins("movss xmm14, DWORD PTR %s", at)
		g.stx(v, 14)
		return
	case 'D':
		g.ins("movsd xmm14, QWORD PTR %s", at)
		g.stx(v, 14)
		return
	}
	g.stg(v, rAX)
}

// field reads or writes a field through JNI. The field ID (and, for a
// static field, a global reference to its class) is looked up on first use
// and cached in the library's data: FindClass from a native method uses the
// method's class loader (JNI specification, FindClass), so the owner is the
// class the bytecode names. The class reference is stored before the ID,
// and x86 keeps stores in order, so a thread that sees the ID sees it too.
func (g *gen) field(v *ir.Value) {
	static := v.Op == ir.OpGetStatic || v.Op == ir.OpPutStatic
	kind := lookField
	if static {
		kind = lookStaticField
	}
	fcls, _ := g.lookup(kind, v.Sym)
	g.ins("mov rdx, rax")
	if static {
		g.ins("mov rsi, QWORD PTR %s", fcls)
	} else {
		g.ldg(rSI, v.Args[0])
	}
	idx := 0 // Object
	desc := v.Sym.Desc[0]
	if desc != '[' && desc != 'L' {
		idx = 1 + elemIndex(desc)
	}
	switch v.Op {
	case ir.OpGetStatic, ir.OpGetField:
		base := jniGetField
		if static {
			base = jniGetStaticField
		}
		g.jni(base + idx)
		if v.Type.IsFloat() {
			g.stx(v, 0)
		} else {
			g.narrowResult(desc)
			g.stg(v, rAX)
		}
		return
	case ir.OpPutStatic:
		g.setArg(v.Args[0])
	case ir.OpPutField:
		g.setArg(v.Args[1])
	}
	base := jniSetField
	if static {
		base = jniSetStaticField
	}
	g.jni(base + idx)
}

// setArg puts a field's new value where Set<Type>Field takes its fourth
// argument: rcx, or xmm0 for float and double.
func (g *gen) setArg(x *ir.Value) {
	if x.Type.IsFloat() {
		g.ldx(0, x)
		return
	}
	g.ldg(rCX, x)
}

// narrowResult extends a jboolean, jbyte, jchar or jshort in al/ax, which
// the ABI leaves undefined above.
func (g *gen) narrowResult(desc byte) {
	switch desc {
	case 'Z', 'B', 'C', 'S':
		g.narrow(rAX, desc)
	}
}

// call is a static call of another compiled method, straight to its code
// (System V ABI, JNI signature); a pending exception after it leaves this
// method too.
func (g *gen) call(v *ir.Value) {
	intRegs := []int{rDX, rCX, r8, r9}
	ni, nf := 0, 0
	var stack []*ir.Value
	for _, a := range v.Args {
		if a.Type.IsFloat() {
			if nf < 8 {
				nf++
				continue
			}
		} else if ni < len(intRegs) {
			ni++
			continue
		}
		stack = append(stack, a)
	}
	pad := 0
	if len(stack)%2 == 1 {
		pad = 8
		g.ins("sub rsp, 8")
	}
	for i := len(stack) - 1; i >= 0; i-- {
		a := stack[i]
		if a.Type.IsFloat() {
			g.ldx(14, a)
			g.ins("sub rsp, 8")
			g.ins("%s %s PTR [rsp], xmm14", movf(a.Type), map[bool]string{false: "DWORD", true: "QWORD"}[a.Type == ir.Double])
		} else {
			g.ldg(rAX, a)
			g.ins("push rax")
		}
	}
	ni, nf = 0, 0
	for _, a := range v.Args {
		if a.Type.IsFloat() {
			if nf < 8 {
				g.ldx(nf, a)
				nf++
			}
		} else if ni < len(intRegs) {
			g.ldg(intRegs[ni], a)
			ni++
		}
	}
	g.ins("xor esi, esi") // the callee's class argument: compiled code never reads it
	g.ins("mov rdi, r15")
	g.ins("call %s@PLT", native.Symbol(v.Sym.Owner, v.Sym.Name, v.Sym.Desc))
	if n := 8*len(stack) + pad; n > 0 {
		g.ins("add rsp, %d", n)
	}
	// The result waits in the scratch slot while ExceptionCheck runs.
	if v.Type.IsFloat() {
		g.ins("movsd QWORD PTR [rbp-%d], xmm0", frameScratch)
	} else if v.Type != ir.Void {
		g.ins("mov QWORD PTR [rbp-%d], rax", frameScratch)
	}
	g.jni(jniExceptionCheck)
	g.ins("test al, al")
	g.ins("jnz %s", g.pendingLabel())
	if v.Type.IsFloat() {
		g.ins("movsd xmm14, QWORD PTR [rbp-%d]", frameScratch)
		g.stx(v, 14)
	} else if v.Type != ir.Void {
		g.ins("mov rax, QWORD PTR [rbp-%d]", frameScratch)
		g.stg(v, rAX)
	}
}

// terminator ends block b: phi moves, then the jump, branch or return.
func (g *gen) terminator(b *ir.Block, next *ir.Block) {
	switch b.Kind {
	case ir.Plain:
		s := b.Succs[0]
		g.phiMoves(b, s)
		if s != next {
			g.ins("jmp %s", g.blockLabel(s))
		}
	case ir.If:
		x, y := b.Controls[0], b.Controls[1]
		cond := b.Cond
		if x.Op == ir.OpConst && y.Op != ir.OpConst {
			x, y, cond = y, x, cond.Swap()
		}
		if x.Type == ir.Int {
			g.ldg(rAX, x)
			g.ins("cmp eax, %s", g.operand(y))
		} else if sameObjectCall(b) {
			// Two references are the same object when JNI says so: local
			// references are handles, not addresses.
			g.ldg(rSI, x)
			g.ldg(rDX, y)
			g.jni(jniIsSameObject)
			g.ins("movzx eax, al")
			g.ins("cmp eax, 1")
		} else {
			g.ldg(rAX, x)
			g.ins("cmp rax, %s", g.operand(y))
		}
		jcc := [...]string{"je", "jne", "jl", "jge", "jg", "jle"}
		t, e := b.Succs[0], b.Succs[1]
		if t == next {
			g.ins("%s %s", jcc[cond.Negate()], g.blockLabel(e))
		} else {
			g.ins("%s %s", jcc[cond], g.blockLabel(t))
			if e != next {
				g.ins("jmp %s", g.blockLabel(e))
			}
		}
	case ir.Throw:
		x := b.Controls[0]
		npe := g.throwStub("java/lang/NullPointerException", "")
		if x.Op == ir.OpConst {
			g.ins("jmp %s", npe)
			return
		}
		g.ldg(rSI, x)
		g.ins("test rsi, rsi")
		g.ins("jz %s", npe)
		g.jni(jniThrow)
		g.ins("jmp %s", g.pendingLabel())
	case ir.Return:
		if len(b.Controls) == 1 {
			r := b.Controls[0]
			if r.Type.IsFloat() {
				g.ldx(0, r)
			} else {
				g.ldg(rAX, r)
			}
		}
		g.ins("jmp %s", g.retLabel())
	}
}

// phiMoves copies, at the end of b, each phi operand of successor s into
// the phi's location. The copies happen all at once (the phis read their
// operands before any is written), so when a destination is also a source
// they go through the stack.
func (g *gen) phiMoves(b, s *ir.Block) {
	k := predIndex(s, b)
	var dst, src []*ir.Value
	for _, v := range s.Values {
		if v.Op != ir.OpPhi {
			break
		}
		x := v.Args[k]
		if x != v && (x.Op == ir.OpConst || g.a.locs[x] != g.a.locs[v] || x.Type.IsFloat() != v.Type.IsFloat()) {
			dst, src = append(dst, v), append(src, x)
		}
	}
	if len(dst) == 0 {
		return
	}
	conflict := false
	for i, d := range dst {
		for j, x := range src {
			if j > i && x.Op != ir.OpConst && g.a.locs[x] == g.a.locs[d] && x.Type.IsFloat() == d.Type.IsFloat() {
				conflict = true
			}
		}
	}
	if !conflict {
		for i := range dst {
			g.move(dst[i], src[i])
		}
		return
	}
	for _, x := range src {
		if x.Type.IsFloat() {
			g.ldx(14, x)
			g.ins("sub rsp, 8")
			g.ins("movsd QWORD PTR [rsp], xmm14")
		} else {
			g.ldg(rAX, x)
			g.ins("push rax")
		}
	}
	for i := len(dst) - 1; i >= 0; i-- {
		d := dst[i]
		if d.Type.IsFloat() {
			g.ins("movsd xmm14, QWORD PTR [rsp]")
			g.ins("add rsp, 8")
			g.stx(d, 14)
		} else {
			g.ins("pop rax")
			g.stg(d, rAX)
		}
	}
}

// What lookup finds.
const (
	lookClass = iota
	lookField
	lookStaticField
	lookMethod
	lookStaticMethod
)

// lookup emits the code that leaves in rax the field or method ID that sym
// names (for lookClass, the class), looked up on first use and cached in
// the library's data with a global reference to the class: FindClass from
// a native method uses the method's class loader (JNI specification,
// FindClass). The class is stored before the ID, and x86 keeps stores in
// order, so a thread that sees the ID sees the class. It returns the
// operands of the two cache slots.
func (g *gen) lookup(kind int, sym *ir.Sym) (cls, id string) {
	key := fmt.Sprint(kind, sym.String())
	k, ok := g.fields[key]
	if !ok {
		k = len(g.fields)
		g.fields[key] = k
		fmt.Fprintf(&g.data, "\t.bss\n\t.p2align 3\n.L%s_id%d:\n\t.zero 8\n.L%s_cls%d:\n\t.zero 8\n", g.sym, k, g.sym, k)
		fmt.Fprintf(&g.data, "\t.section .rodata\n.L%s_owner%d:\n\t.asciz \"%s\"\n.L%s_name%d:\n\t.asciz \"%s\"\n.L%s_desc%d:\n\t.asciz \"%s\"\n",
			g.sym, k, native.Asciz(sym.Owner), g.sym, k, native.Asciz(sym.Name), g.sym, k, native.Asciz(sym.Desc))
	}
	id = fmt.Sprintf("[rip+.L%s_id%d]", g.sym, k)
	cls = fmt.Sprintf("[rip+.L%s_cls%d]", g.sym, k)
	have := g.label()
	g.ins("mov rax, QWORD PTR %s", id)
	g.ins("test rax, rax")
	g.ins("jnz %s", have)
	g.ins("lea rsi, [rip+.L%s_owner%d]", g.sym, k)
	g.jni(jniFindClass)
	g.ins("test rax, rax")
	g.ins("jz %s", g.pendingLabel())
	g.ins("mov QWORD PTR [rbp-%d], rax", frameScratch)
	g.ins("mov rsi, rax")
	g.jni(jniNewGlobalRef)
	g.ins("mov QWORD PTR %s, rax", cls)
	if kind == lookClass {
		g.ins("mov QWORD PTR %s, rax", id)
	} else {
		g.ins("mov rsi, QWORD PTR [rbp-%d]", frameScratch)
		g.ins("lea rdx, [rip+.L%s_name%d]", g.sym, k)
		g.ins("lea rcx, [rip+.L%s_desc%d]", g.sym, k)
		g.jni(map[int]int{lookField: jniGetFieldID, lookStaticField: jniGetStaticFieldID,
			lookMethod: jniGetMethodID, lookStaticMethod: jniGetStaticMethodID}[kind])
		g.ins("test rax, rax")
		g.ins("jz %s", g.pendingLabel())
		g.ins("mov QWORD PTR %s, rax", id)
	}
	fmt.Fprintf(&g.out, "%s:\n", have)
	return cls, id
}

// object selects the instructions of the operations on objects, all
// through JNI (JNI specification, chapter 4).
func (g *gen) object(v *ir.Value) {
	switch v.Op {
	case ir.OpNew:
		g.lookup(lookClass, v.Sym)
		g.ins("mov rsi, rax")
		g.jni(jniAllocObject)
		g.ins("test rax, rax")
		g.ins("jz %s", g.pendingLabel())
		g.stg(v, rAX)
	case ir.OpNewObjArray:
		g.newObjArray(v)
	case ir.OpObjArrayLoad:
		g.ldg(rSI, v.Args[0])
		g.ldg(rDX, v.Args[1])
		g.jni(jniGetObjectArrayElement)
		g.stg(v, rAX)
	case ir.OpObjArrayStore:
		g.objArrayStore(v)
	case ir.OpInvoke:
		g.invoke(v)
	case ir.OpCheckCast, ir.OpInstanceOf:
		// null passes checkcast and is no instance (JVMS §6.5.checkcast).
		done, null := g.label(), g.label()
		g.ldg(rAX, v.Args[0])
		g.ins("test rax, rax")
		g.ins("jz %s", null)
		g.classRef(v.Sym.Owner)
		g.ins("mov rdx, rax")
		g.ldg(rSI, v.Args[0])
		g.jni(jniIsInstanceOf)
		if v.Op == ir.OpCheckCast {
			g.ins("test al, al")
			g.ins("jnz %s", null)
			g.castFailure(v)
			fmt.Fprintf(&g.out, "%s:\n", null)
			g.ldg(rAX, v.Args[0])
			g.stg(v, rAX)
			return
		}
		g.ins("movzx eax, al")
		g.ins("jmp %s", done)
		fmt.Fprintf(&g.out, "%s:\n", null)
		g.ins("xor eax, eax")
		fmt.Fprintf(&g.out, "%s:\n", done)
		g.stg(v, rAX)
	case ir.OpString:
		g.stringConst(v)
	}
}

// stringConst is ldc of a String: the literal interned (JLS §3.10.5: equal
// literals are the same object), made on first use and kept as a global
// reference in the library's data.
func (g *gen) stringConst(v *ir.Value) {
	if v.Sym.Owner == "java/lang/Class" {
		g.classRef(v.Sym.Name) // a global reference too
		g.stg(v, rAX)
		return
	}
	k := g.strings[v.Sym.Name]
	if k == 0 {
		k = len(g.strings) + 1
		g.strings[v.Sym.Name] = k
		fmt.Fprintf(&g.data, "\t.bss\n\t.p2align 3\n.L%s_str%d:\n\t.zero 8\n", g.sym, k)
		fmt.Fprintf(&g.data, "\t.section .rodata\n.L%s_strtext%d:\n\t.asciz \"%s\"\n", g.sym, k, native.Asciz(string(mutf8(v.Sym.Name))))
	}
	have := g.label()
	g.ins("mov rax, QWORD PTR [rip+.L%s_str%d]", g.sym, k)
	g.ins("test rax, rax")
	g.ins("jnz %s", have)
	g.ins("lea rsi, [rip+.L%s_strtext%d]", g.sym, k)
	g.jni(jniNewStringUTF)
	g.ins("test rax, rax")
	g.ins("jz %s", g.pendingLabel())
	g.ins("push rax")
	g.ins("sub rsp, 8")
	g.lookup(lookMethod, &ir.Sym{Owner: "java/lang/String", Name: "intern", Desc: "()Ljava/lang/String;"})
	g.ins("mov rdx, rax")
	g.ins("mov rsi, QWORD PTR [rsp+8]")
	g.ins("xor ecx, ecx")
	g.jni(jniCallMethodA) // Object
	g.ins("mov QWORD PTR [rsp], rax")
	g.exceptionCheck() // the pending exit resets rsp
	g.ins("mov rsi, QWORD PTR [rsp]")
	g.jni(jniNewGlobalRef)
	g.ins("add rsp, 16")
	g.ins("mov QWORD PTR [rip+.L%s_str%d], rax", g.sym, k)
	fmt.Fprintf(&g.out, "%s:\n", have)
	g.stg(v, rAX)
}

// mutf8 is s in the modified UTF-8 of JNI's NewStringUTF (JVMS §4.4.7):
// NUL as two bytes, characters beyond the BMP as two encoded surrogates.
func mutf8(s string) []byte {
	var out []byte
	for _, r := range s {
		switch {
		case r == 0:
			out = append(out, 0xC0, 0x80)
		case r < 0x80:
			out = append(out, byte(r))
		case r < 0x800:
			out = append(out, byte(0xC0|r>>6), byte(0x80|r&0x3F))
		case r < 0x10000:
			out = append(out, byte(0xE0|r>>12), byte(0x80|(r>>6)&0x3F), byte(0x80|r&0x3F))
		default:
			r -= 0x10000
			for _, u := range []rune{0xD800 + r>>10, 0xDC00 + r&0x3FF} {
				out = append(out, byte(0xE0|u>>12), byte(0x80|(u>>6)&0x3F), byte(0x80|u&0x3F))
			}
		}
	}
	return out
}

func (g *gen) exceptionCheck() {
	g.jni(jniExceptionCheck)
	g.ins("test al, al")
	g.ins("jnz %s", g.pendingLabel())
}

// invoke calls a method through JNI's Call<Type>MethodA family: static,
// virtual (and interface, with the method ID of the receiver's class:
// iface.go) or, for invokespecial, nonvirtual. The arguments go
// in a jvalue array on the stack.
func (g *gen) invoke(v *ir.Value) {
	kind := lookMethod
	if v.AuxInt == ir.InvokeStatic {
		kind = lookStaticMethod
	}
	var cls string
	if v.AuxInt == ir.InvokeInterface {
		g.interfaceMethod(v) // iface.go
	} else {
		cls, _ = g.lookup(kind, v.Sym)
	}
	g.ins("mov r9, rax") // the method ID, until the call
	args := v.Args
	if v.AuxInt != ir.InvokeStatic {
		args = args[1:]
	}
	n := (8*len(args) + 15) &^ 15
	if n > 0 {
		g.ins("sub rsp, %d", n)
	}
	for k, a := range args {
		at := fmt.Sprintf("[rsp+%d]", 8*k)
		if a.Type.IsFloat() {
			g.ldx(14, a)
			g.ins("%s %s PTR %s, xmm14", movf(a.Type), map[bool]string{false: "DWORD", true: "QWORD"}[a.Type == ir.Double], at)
		} else {
			g.ldg(rAX, a)
			g.ins("mov QWORD PTR %s, rax", at)
		}
	}
	ret := 9 // Void
	if d := v.Sym.Desc[strings.IndexByte(v.Sym.Desc, ')')+1]; d != 'V' {
		ret = 0
		if d != 'L' && d != '[' {
			ret = 1 + elemIndex(d)
		}
	}
	switch v.AuxInt {
	case ir.InvokeStatic:
		g.ins("mov rsi, QWORD PTR %s", cls)
		g.ins("mov rdx, r9")
		g.ins("mov rcx, rsp")
		g.jni(jniCallStaticMethodA + 3*ret)
	case ir.InvokeSpecial:
		g.ldg(rSI, v.Args[0])
		g.ins("mov rdx, QWORD PTR %s", cls)
		g.ins("mov rcx, r9")
		g.ins("mov r8, rsp")
		g.jni(jniCallNonvirtualMethodA + 3*ret)
	default:
		g.ldg(rSI, v.Args[0])
		g.ins("mov rdx, r9")
		g.ins("mov rcx, rsp")
		g.jni(jniCallMethodA + 3*ret)
	}
	if n > 0 {
		g.ins("add rsp, %d", n)
	}
	if v.Type.IsFloat() {
		g.ins("movsd QWORD PTR [rbp-%d], xmm0", frameScratch)
	} else if v.Type != ir.Void {
		if ret >= 1 && ret <= 4 {
			g.narrowResult("ZBCS"[ret-1])
		}
		g.ins("mov QWORD PTR [rbp-%d], rax", frameScratch)
	}
	g.exceptionCheck()
	if v.Type.IsFloat() {
		g.ins("%s xmm14, %s PTR [rbp-%d]", movf(v.Type), map[bool]string{false: "DWORD", true: "QWORD"}[v.Type == ir.Double], frameScratch)
		g.stx(v, 14)
	} else if v.Type != ir.Void {
		g.ins("mov rax, QWORD PTR [rbp-%d]", frameScratch)
		g.stg(v, rAX)
	}
}

// sameObjectCall reports whether If block b compares two references
// neither of which is the null constant, which takes IsSameObject.
func sameObjectCall(b *ir.Block) bool {
	if b.Kind != ir.If {
		return false
	}
	x, y := b.Controls[0], b.Controls[1]
	return x.Type.IsRef() && y.Type.IsRef() && x.Op != ir.OpConst && y.Op != ir.OpConst
}

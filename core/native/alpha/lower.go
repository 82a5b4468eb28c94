package alpha

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// The run-time interface of Alpha code, which a client's runtime (here the
// harness in package exec) provides:
//
//   - A compiled method is a C function with the JNI signature (JNIEnv
//     pointer, class or receiver, the Java parameters), by the calling
//     standard: the first six arguments in $16-$21 or $f16-$f21 by position,
//     the rest in 8-byte slots at the caller's 0($30); the result in $0 or $f0.
//   - An array reference points at its length (a 64-bit word, read as an
//     int) followed at ArrayData by the elements, naturally aligned; null is 0.
//   - A failing check calls dvm_throw(kind, a, b, msg) with a Kind below and
//     what the exception's message is made of (the index and the length, the
//     negative size, the NullPointerException's text or 0); it records the
//     exception and does not return (the harness longjmps), so a compiled
//     caller needs no test after a call.
//   - The prologue compares the stack pointer with the runtime's quadword
//     dvm_stack_limit and throws StackOverflowError (kind 6) below it:
//     compiled code calls compiled code directly, and a deep recursion must
//     end as it does in the JVM (JVMS §2.5.2), not in a fault.
//   - newarray calls dvm_newarray(elem, n), elem the element's descriptor
//     character; it returns a zeroed array.
//   - frem and drem call the C library's fmod: fmod is exact, as JVMS §6.5.drem
//     requires, and an exact result of float operands is a float.
//   - A static field is an 8-byte common symbol dvm_sf_<owner>_<name>
//     (JNI-mangled); an instance field lives at the offset held in the 8-byte
//     data word dvm_fo_<owner>_<name>, which the runtime defines: the
//     client, not the compiler in the network, decides its objects' layout,
//     as the DVM paper's clients keep their own object model. In both, an int
//     (and byte, char, short, boolean) takes the first 4 bytes, a float the
//     first 4 as an S_floating, a long, double or array reference all 8.
const ArrayData = 8

// Kind numbers the exceptions compiled code throws, for dvm_throw.
var Kinds = map[string]int{
	"java/lang/NullPointerException":           1,
	"java/lang/ArrayIndexOutOfBoundsException": 2,
	"java/lang/ArithmeticException":            3,
	"java/lang/NegativeArraySizeException":     4,
	// 5: OutOfMemoryError, from the runtime's dvm_newarray
	"java/lang/StackOverflowError": 6,
	// 7 (KindObject): an exception object of compiled code's own making
}

type backend struct{}

func init() { native.Register(backend{}) }

func (backend) Arch() string   { return "alpha" }
func (backend) CPUs() []string { return []string{"ev67", "ev4"} }

// Lower selects instructions for f and returns its GNU as text.
func (backend) Lower(f *ir.Func, opt native.Options) (string, error) {
	cpu, err := ParseCPU(opt.CPU)
	if err != nil {
		return "", err
	}
	return Lower(f, cpu)
}

// Lower is the back end proper: f in Alpha assembly for cpu.
func Lower(f *ir.Func, cpu CPU) (text string, err error) {
	defer func() {
		// An IR this back end does not know is a bug on one side or the
		// other; it leaves the method as bytecode with the reason rather
		// than taking the compiler down.
		if r := recover(); r != nil {
			if le, ok := r.(lowerError); ok {
				text, err = "", fmt.Errorf("alpha: %s.%s%s: %s", f.Class, f.Name, f.Desc, string(le))
				return
			}
			panic(r)
		}
	}()
	if err := alphaOnly(f); err != nil {
		return "", fmt.Errorf("alpha: %s.%s%s: %v", f.Class, f.Name, f.Desc, err)
	}
	e := &emitter{f: f, cpu: cpu, sym: native.Symbol(f.Class, f.Name, f.Desc), comms: map[string]bool{}}
	e.a = allocate(f)
	e.lower()
	if cpu.TrapShadows() {
		return closeTrapShadows(e.sb.String()), nil
	}
	return e.sb.String(), nil
}

// alphaOnly refuses what needs a JVM on the client (objects.go says what
// the Alpha runtime's objects are): objects it cannot make or give values
// to, fields of other classes whose values it does not hold (found on
// sunflow's BoundingBox reading Point3.z: an undefined dvm_fo_ symbol at
// link), calls it cannot make.
func alphaOnly(f *ir.Func) error {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if err := objectOK(f, v); err != nil {
				return err
			}
		}
		if b.Kind == ir.Throw && origin(b.Controls[0]).Op != ir.OpNew {
			x, pos := b.Controls[0], b.Controls[0].Pos
			if n := len(b.Values); n > 0 {
				pos = b.Values[n-1].Pos // athrow's own null check
			}
			return fmt.Errorf("at offset %d: athrow of %s: the Alpha runtime throws only exceptions made where they are thrown", pos, x.LongString())
		}
	}
	return nil
}

type lowerError string

func fail(format string, a ...any) { panic(lowerError(fmt.Sprintf(format, a...))) }

type emitter struct {
	f   *ir.Func
	cpu CPU
	a   *allocation
	sym string
	sb  strings.Builder

	frame, raOff, savedOff, scratchOff, spillOff int
	label                                        int
	consts                                       []string // rodata lines
	nconst                                       int
	throws                                       [7]bool
	divides                                      bool
	comms                                        map[string]bool
	tramps                                       []func()
	npes                                         map[string]string // NullPointerException message -> stub label
}

func (e *emitter) ins(format string, a ...any) {
	e.sb.WriteByte('\t')
	fmt.Fprintf(&e.sb, format, a...)
	e.sb.WriteByte('\n')
}

func (e *emitter) putLabel(l string) { e.sb.WriteString(l + ":\n") }

func (e *emitter) newLabel() string {
	e.label++
	return fmt.Sprintf(".L%s_%d", e.sym, e.label)
}

func (e *emitter) blockLabel(b *ir.Block) string { return fmt.Sprintf(".L%s_b%d", e.sym, b.ID) }

// macro brackets the one place we let the assembler expand a macro: ldgp,
// whose two halves it numbers itself. Everywhere else .set nomacro holds, so
// the assembler never turns an ldbu into a sequence behind our back on ev4.
func (e *emitter) ldgp(base string) {
	e.sb.WriteString("\t.set macro\n")
	e.ins("ldgp $29,0(%s)", base)
	e.sb.WriteString("\t.set nomacro\n")
}

// argLoc is where argument i (0 = JNIEnv) of type t travels, as the caller
// sees it: the first six in $16-$21 or $f16-$f21, the rest in 8-byte
// slots at the caller's stack pointer.
func argLoc(i int, t ir.Type) loc {
	if i < 6 {
		if t.IsFloat() {
			return loc{kind: locFReg, n: 16 + i}
		}
		return loc{kind: locReg, n: 16 + i}
	}
	return loc{kind: locStack, n: 8 * (i - 6), single: t == ir.Float}
}

func (e *emitter) lower() {
	f := e.f
	// The frame: outgoing arguments, ra, callee-saved registers, a scratch
	// word for moves between the register files, spill slots; 16-aligned.
	out := 0
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpCall && len(v.Args)+2 > 6 {
				if n := 8 * (len(v.Args) + 2 - 6); n > out {
					out = n
				}
			}
		}
	}
	e.raOff = out
	e.savedOff = out + 8
	e.scratchOff = e.savedOff + 8*(len(e.a.usedSaved)+len(e.a.usedFSaved))
	e.spillOff = e.scratchOff + 8
	e.frame = (e.spillOff + 8*e.a.slots + 15) &^ 15

	e.sb.WriteString("\t.set noreorder\n\t.set noat\n\t.set nomacro\n\t.text\n\t.align 4\n")
	fmt.Fprintf(&e.sb, "\t.globl %s\n\t.ent %s\n%s:\n", e.sym, e.sym, e.sym)
	e.ldgp("$27")
	fmt.Fprintf(&e.sb, "\t.frame $30,%d,$26,0\n", e.frame)
	e.ins("lda $30,-%d($30)", e.frame)
	e.ins("stq $26,%d($30)", e.raOff)
	off := e.savedOff
	for _, r := range e.a.usedSaved {
		e.ins("stq $%d,%d($30)", r, off)
		off += 8
	}
	for _, r := range e.a.usedFSaved {
		e.ins("stt $f%d,%d($30)", r, off)
		off += 8
	}
	e.sb.WriteString("\t.prologue 1\n")
	e.stackCheck()

	// Parameters from where the convention puts them.
	var moves []move
	first := 2
	if !f.Static {
		first = 1 // the receiver is parameter 0 and travels as the second argument
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op != ir.OpParam {
				continue
			}
			dst := e.a.locs[v.ID]
			if dst.kind == locNone {
				continue
			}
			src := argLoc(first+int(v.AuxInt), v.Type)
			if src.kind == locStack {
				src.n += e.frame // the caller's outgoing area, above our frame
			}
			moves = append(moves, move{dst: e.frameLoc(dst), src: src, float: v.Type.IsFloat()})
		}
	}
	e.parallel(moves, nil)

	for i, b := range f.Blocks {
		var next *ir.Block
		if i+1 < len(f.Blocks) {
			next = f.Blocks[i+1]
		}
		e.putLabel(e.blockLabel(b))
		for _, v := range b.Values {
			e.value(v)
		}
		e.terminate(b, next)
	}
	for _, t := range e.tramps {
		t()
	}
	for k := 1; k < len(e.throws); k++ {
		if !e.throws[k] {
			continue
		}
		e.putLabel(fmt.Sprintf(".L%s_throw%d", e.sym, k))
		e.ins("lda $16,%d($31)", k)
		e.call("dvm_throw")
	}
	e.npeStubs()
	if e.divides {
		e.sb.WriteString("\t.align 3\n" + divRem(".L"+e.sym+"_divrem"))
	}
	fmt.Fprintf(&e.sb, "\t.end %s\n", e.sym)
	if len(e.consts) > 0 {
		e.sb.WriteString("\t.section .rodata\n\t.align 3\n")
		for _, c := range e.consts {
			e.sb.WriteString(c)
		}
		e.sb.WriteString("\t.text\n")
	}
	// In name order: the same method always assembles to the same text.
	for _, s := range slices.Sorted(maps.Keys(e.comms)) {
		fmt.Fprintf(&e.sb, "\t.comm %s,8,8\n", s)
	}
}

// frameLoc turns an allocated location's slot index into a frame offset.
func (e *emitter) frameLoc(l loc) loc {
	if l.kind == locStack {
		return loc{kind: locStack, n: e.spillOff + 8*l.n}
	}
	return l
}

func (e *emitter) loc(v *ir.Value) loc { return e.frameLoc(e.a.locs[v.ID]) }

// call calls a C-convention function through the GOT and restores the GP
// from the return address afterwards.
func (e *emitter) call(sym string) {
	e.ins("ldq $27,%s($29) !literal", sym)
	e.ins("jsr $26,($27),0")
	e.ldgp("$26")
}

// --- operands

// intConst loads an integer constant into register r.
func (e *emitter) intConst(r int, c int64) {
	switch {
	case c >= -32768 && c < 32768:
		e.ins("lda $%d,%d($31)", r, c)
		return
	case c >= math.MinInt32 && c <= math.MaxInt32:
		lo := int64(int16(c))
		hi := (c - lo) >> 16
		if hi >= -32768 && hi < 32768 {
			e.ins("ldah $%d,%d($31)", r, hi)
			if lo != 0 {
				e.ins("lda $%d,%d($%d)", r, lo, r)
			}
			return
		}
	}
	l := e.constant(fmt.Sprintf("\t.quad %d\n", c))
	e.ins("ldah $%d,%s($29) !gprelhigh", r, l)
	e.ins("ldq $%d,%s($%d) !gprellow", r, l, r)
}

// constant adds a read-only datum and returns its label.
func (e *emitter) constant(line string) string {
	e.nconst++
	l := fmt.Sprintf(".L%s_c%d", e.sym, e.nconst)
	e.consts = append(e.consts, l+":\n"+line)
	return l
}

func constBits(v *ir.Value) int64 {
	if v.Type == ir.Int {
		return int64(int32(v.AuxInt))
	}
	return v.AuxInt
}

// isrc returns the integer register holding v, loading a spilled or constant
// v into scratch register s.
func (e *emitter) isrc(v *ir.Value, s int) int {
	if v.IsConst() {
		c := constBits(v)
		if c == 0 {
			return 31
		}
		e.intConst(s, c)
		return s
	}
	l := e.loc(v)
	switch l.kind {
	case locReg:
		return l.n
	case locStack:
		e.ins("ldq $%d,%d($30)", s, l.n)
		return s
	}
	fail("value v%d (%s) has no integer location", v.ID, v.Op)
	return 0
}

// iopnd is v as the second operand of an operate instruction: an 8-bit
// literal when it is a constant that fits, else a register.
func (e *emitter) iopnd(v *ir.Value, s int) string {
	if v.IsConst() {
		if c := constBits(v); c >= 0 && c <= 255 {
			return fmt.Sprint(c)
		}
	}
	return fmt.Sprintf("$%d", e.isrc(v, s))
}

// fsrc returns the float register holding v.
func (e *emitter) fsrc(v *ir.Value, s int) int {
	if v.IsConst() {
		if v.AuxInt == 0 {
			return 31 // +0.0
		}
		if v.Type == ir.Float {
			l := e.constant(fmt.Sprintf("\t.long 0x%08x\n", uint32(v.AuxInt)))
			e.ins("ldah $28,%s($29) !gprelhigh", l)
			e.ins("lds $f%d,%s($28) !gprellow", s, l)
		} else {
			l := e.constant(fmt.Sprintf("\t.quad 0x%016x\n", uint64(v.AuxInt)))
			e.ins("ldah $28,%s($29) !gprelhigh", l)
			e.ins("ldt $f%d,%s($28) !gprellow", s, l)
		}
		return s
	}
	l := e.loc(v)
	switch l.kind {
	case locFReg:
		return l.n
	case locStack:
		e.ins("ldt $f%d,%d($30)", s, l.n)
		return s
	}
	fail("value v%d (%s) has no float location", v.ID, v.Op)
	return 0
}

// fconst loads a double constant into float register s.
func (e *emitter) fconst(s int, d float64) {
	l := e.constant(fmt.Sprintf("\t.quad 0x%016x\n", math.Float64bits(d)))
	e.ins("ldah $28,%s($29) !gprelhigh", l)
	e.ins("ldt $f%d,%s($28) !gprellow", s, l)
}

// idst is the register v's result goes to: its own, or $22 when spilled
// (idone stores it then).
func (e *emitter) idst(v *ir.Value) int {
	if l := e.loc(v); l.kind == locReg {
		return l.n
	}
	return 22
}

func (e *emitter) idone(v *ir.Value, r int) {
	if l := e.loc(v); l.kind == locStack {
		e.ins("stq $%d,%d($30)", r, l.n)
	}
}

func (e *emitter) fdst(v *ir.Value) int {
	if l := e.loc(v); l.kind == locFReg {
		return l.n
	}
	return 29
}

func (e *emitter) fdone(v *ir.Value, r int) {
	if l := e.loc(v); l.kind == locStack {
		e.ins("stt $f%d,%d($30)", r, l.n)
	}
}

func (e *emitter) throwLabel(op ir.Op) string {
	k := Kinds[ir.Throws(op)]
	e.throws[k] = true
	return fmt.Sprintf(".L%s_throw%d", e.sym, k)
}

// --- values

var intOps = map[ir.Op][2]string{
	ir.OpAdd: {"addl", "addq"}, ir.OpSub: {"subl", "subq"}, ir.OpMul: {"mull", "mulq"},
	ir.OpAnd: {"and", "and"}, ir.OpOr: {"bis", "bis"}, ir.OpXor: {"xor", "xor"},
}

// Java's float arithmetic is IEEE 754 round-to-nearest with gradual
// underflow and no traps (JLS §15.4): /su asks for software completion with
// underflow enabled, so a denormal result is delivered as one (without /u
// the Alpha flushes it to zero) and the operating system completes what the
// hardware traps on (AARM §4.7.7, Table 4-14).
var floatOps = map[ir.Op][2]string{
	ir.OpAdd: {"adds/su", "addt/su"}, ir.OpSub: {"subs/su", "subt/su"},
	ir.OpMul: {"muls/su", "mult/su"}, ir.OpDiv: {"divs/su", "divt/su"},
}

func (e *emitter) value(v *ir.Value) {
	switch v.Op {
	case ir.OpParam, ir.OpPhi, ir.OpConst:
		return
	case ir.OpCopy:
		e.copyTo(e.loc(v), v.Args[0])
		return
	}
	long := 0
	if v.Type == ir.Long {
		long = 1
	}
	switch v.Op {
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpDiv, ir.OpRem:
		if v.Type.IsFloat() {
			e.floatArith(v)
			return
		}
		if v.Op == ir.OpDiv || v.Op == ir.OpRem {
			e.divide(v)
			return
		}
		x, y := v.Args[0], v.Args[1]
		if x.IsConst() && !y.IsConst() && v.Op != ir.OpSub {
			x, y = y, x
		}
		xr := e.isrc(x, 23)
		yo := e.iopnd(y, 24)
		d := e.idst(v)
		e.ins("%s $%d,%s,$%d", intOps[v.Op][long], xr, yo, d)
		e.idone(v, d)
	case ir.OpNeg:
		if v.Type.IsFloat() {
			// Java negation flips the sign bit, of NaNs and zeros too.
			xr := e.fsrc(v.Args[0], 27)
			d := e.fdst(v)
			e.ins("cpysn $f%d,$f%d,$f%d", xr, xr, d)
			e.fdone(v, d)
			return
		}
		xr := e.isrc(v.Args[0], 23)
		d := e.idst(v)
		e.ins("%s $31,$%d,$%d", [2]string{"subl", "subq"}[long], xr, d)
		e.idone(v, d)
	case ir.OpShl, ir.OpShr, ir.OpUshr:
		e.shift(v)
	case ir.OpConv:
		e.conv(v)
	case ir.OpLcmp:
		xr := e.isrc(v.Args[0], 23)
		yr := e.isrc(v.Args[1], 24)
		d := e.idst(v)
		e.ins("cmplt $%d,$%d,$27", xr, yr)
		e.ins("cmplt $%d,$%d,$28", yr, xr)
		e.ins("subq $28,$27,$%d", d)
		e.idone(v, d)
	case ir.OpCmpl, ir.OpCmpg:
		e.fcompare(v)
	case ir.OpNullCheck:
		e.ins("beq $%d,%s", e.isrc(v.Args[0], 23), e.npeLabel(v.Msg))
	case ir.OpDivZeroCheck:
		e.ins("beq $%d,%s", e.isrc(v.Args[0], 23), e.throwLabel(v.Op))
	case ir.OpNegSizeCheck:
		r := e.isrc(v.Args[0], 23)
		e.ins("blt $%d,%s", r, e.throwWith(v.Op, fmt.Sprintf("$%d", r), ""))
	case ir.OpBoundsCheck:
		// One unsigned compare: a negative index is a huge unsigned one.
		ir_ := e.isrc(v.Args[0], 23)
		lo := e.iopnd(v.Args[1], 24)
		e.ins("cmpult $%d,%s,$28", ir_, lo)
		e.ins("beq $28,%s", e.throwWith(v.Op, fmt.Sprintf("$%d", ir_), lo))
	case ir.OpArrayLen:
		ar := e.isrc(v.Args[0], 23)
		d := e.idst(v)
		e.ins("ldl $%d,0($%d)", d, ar)
		e.idone(v, d)
	case ir.OpArrayLoad:
		e.arrayLoad(v)
	case ir.OpArrayStore:
		e.arrayStore(v)
	case ir.OpNewArray:
		nr := e.isrc(v.Args[0], 23)
		e.ins("mov $%d,$17", nr)
		e.ins("lda $16,%d($31)", byte(v.AuxInt))
		e.call("dvm_newarray")
		d := e.idst(v)
		e.ins("mov $0,$%d", d)
		e.idone(v, d)
	case ir.OpGetStatic, ir.OpPutStatic, ir.OpGetField, ir.OpPutField:
		e.field(v)
	case ir.OpCall:
		e.callMethod(v)
	case ir.OpNew:
		e.newObject(v)
	case ir.OpInvoke:
		e.runtimeCall(v)
	case ir.OpObjArrayLoad, ir.OpObjArrayStore:
		e.objArray(v)
	case ir.OpNewObjArray:
		nr := e.isrc(v.Args[0], 23)
		e.ins("mov $%d,$17", nr)
		e.ins("lda $16,%d($31)", 'L')
		e.call("dvm_newarray")
		d := e.idst(v)
		e.ins("mov $0,$%d", d)
		e.idone(v, d)
	default:
		fail("no Alpha code for %s", v.LongString())
	}
}

func (e *emitter) floatArith(v *ir.Value) {
	x, y := v.Args[0], v.Args[1]
	single := v.Type == ir.Float
	if v.Op == ir.OpRem {
		// fmod reads doubles: singles go through cvtst/s, which reads a
		// subnormal single right (cpys passed 2^-149 on as 2^-1045).
		mov := "cpys $f%d,$f%d,$f%d"
		if single {
			mov = "cvtst/s $f%d,$f%[3]d"
		}
		xr := e.fsrc(x, 27)
		e.ins(mov, xr, xr, 30)
		yr := e.fsrc(y, 28)
		e.ins(mov, yr, yr, 17)
		e.ins("cpys $f30,$f30,$f16")
		e.call("fmod")
		d := e.fdst(v)
		if single {
			e.trapping("cvtts/su", d, 0)
		} else {
			e.ins("cpys $f0,$f0,$f%d", d)
		}
		e.fdone(v, d)
		return
	}
	xr := e.fsrc(x, 27)
	yr := e.fsrc(y, 28)
	d := e.fdst(v)
	k := 1
	if single {
		k = 0
	}
	e.trapping(floatOps[v.Op][k], d, xr, yr)
	e.fdone(v, d)
}

// trapping emits op, an instruction with software completion (/s), from
// float registers srcs into d. The handler that completes it re-executes it
// from its operands (AARM §4.7.7.3), so its result may not overwrite one
// (gcc's patterns for -mieee mark the output early-clobbered): then it goes
// to $f29 and a copy, after the trapb closeTrapShadows puts before it,
// moves it to d.
func (e *emitter) trapping(op string, d int, srcs ...int) {
	to := d
	if slices.Contains(srcs, d) {
		to = 29
	}
	var sb strings.Builder
	for _, r := range srcs {
		fmt.Fprintf(&sb, "$f%d,", r)
	}
	e.ins("%s %s$f%d", op, sb.String(), to)
	if to != d {
		e.ins("cpys $f29,$f29,$f%d", d)
	}
}

// divide calls the division routine (divrem.go); the check for a zero
// divisor came before, as its own IR value.
func (e *emitter) divide(v *ir.Value) {
	e.divides = true
	xr := e.isrc(v.Args[0], 23)
	yr := e.isrc(v.Args[1], 24)
	e.ins("mov $%d,$25", yr)
	e.ins("mov $%d,$24", xr)
	e.ins("bsr $23,.L%s_divrem", e.sym)
	res := 27
	if v.Op == ir.OpRem {
		res = 24
	}
	d := e.idst(v)
	if v.Type == ir.Int {
		e.ins("addl $%d,0,$%d", res, d) // MIN_VALUE / -1 wraps here
	} else {
		e.ins("mov $%d,$%d", res, d)
	}
	e.idone(v, d)
}

// shift masks the count as JVMS §6.5.ishl/lshl say (5 or 6 bits) and keeps
// an int's result sign-extended.
func (e *emitter) shift(v *ir.Value) {
	long := v.Type == ir.Long
	mask := int64(31)
	if long {
		mask = 63
	}
	xr := e.isrc(v.Args[0], 23)
	var cnt string
	if n := v.Args[1]; n.IsConst() {
		cnt = fmt.Sprint(constBits(n) & mask)
	} else {
		e.ins("and $%d,%d,$27", e.isrc(n, 24), mask)
		cnt = "$27"
	}
	d := e.idst(v)
	switch {
	case v.Op == ir.OpShl:
		e.ins("sll $%d,%s,$%d", xr, cnt, d)
	case v.Op == ir.OpShr:
		e.ins("sra $%d,%s,$%d", xr, cnt, d)
	case long:
		e.ins("srl $%d,%s,$%d", xr, cnt, d)
	default:
		e.ins("zapnot $%d,15,$28", xr) // the int's 32 bits, zero-extended
		e.ins("srl $28,%s,$%d", cnt, d)
	}
	if !long && v.Op != ir.OpShr {
		e.ins("addl $%d,0,$%d", d, d)
	}
	e.idone(v, d)
}

// sext narrows register r in place to a byte or short, sign-extended: one
// BWX instruction on ev67, two shifts on ev4.
func (e *emitter) sext(r int, c byte) {
	bits := 56
	if c == 'S' {
		bits = 48
	}
	if e.cpu.BWX() {
		e.ins("%s $%d,$%d", map[byte]string{'B': "sextb", 'S': "sextw"}[c], r, r)
		return
	}
	e.ins("sll $%d,%d,$%d", r, bits, r)
	e.ins("sra $%d,%d,$%d", r, bits, r)
}

func (e *emitter) conv(v *ir.Value) {
	from := byte(v.AuxInt)
	x := v.Args[0]
	switch {
	case v.Type == ir.Int && (from == 'B' || from == 'S' || from == 'C'):
		xr := e.isrc(x, 23)
		d := e.idst(v)
		if from == 'C' {
			e.ins("zapnot $%d,3,$%d", xr, d)
		} else {
			e.ins("mov $%d,$%d", xr, d)
			e.sext(d, from)
		}
		e.idone(v, d)
	case from == 'I' && v.Type == ir.Long:
		xr := e.isrc(x, 23) // already sign-extended
		d := e.idst(v)
		e.ins("mov $%d,$%d", xr, d)
		e.idone(v, d)
	case from == 'J' && v.Type == ir.Int:
		xr := e.isrc(x, 23)
		d := e.idst(v)
		e.ins("addl $%d,0,$%d", xr, d)
		e.idone(v, d)
	case (from == 'I' || from == 'J') && v.Type.IsFloat():
		// No FIX extension on ev4: the bits travel through memory. cvtqs
		// rounds the 64-bit integer to single directly, so l2f rounds once.
		xr := e.isrc(x, 23)
		e.ins("stq $%d,%d($30)", xr, e.scratchOff)
		e.ins("ldt $f30,%d($30)", e.scratchOff)
		d := e.fdst(v)
		if v.Type == ir.Float {
			e.ins("cvtqs $f30,$f%d", d)
		} else {
			e.ins("cvtqt $f30,$f%d", d)
		}
		e.fdone(v, d)
	case from == 'F' && v.Type == ir.Double:
		// A normal single in a register is already the double of the same
		// value, but lds leaves a subnormal one in a form only /s
		// instructions read right (AARM §4.7.6.2), so cvtst/s converts.
		xr := e.fsrc(x, 27)
		d := e.fdst(v)
		e.trapping("cvtst/s", d, xr)
		e.fdone(v, d)
	case from == 'D' && v.Type == ir.Float:
		xr := e.fsrc(x, 27)
		d := e.fdst(v)
		e.trapping("cvtts/su", d, xr)
		e.fdone(v, d)
	case (from == 'F' || from == 'D') && (v.Type == ir.Int || v.Type == ir.Long):
		e.f2i(v)
	default:
		fail("no Alpha conversion for %s", v.LongString())
	}
}

// f2i is f2i/f2l/d2i/d2l (JVMS §6.5.d2i): NaN gives 0, values beyond the
// range give MIN_VALUE or MAX_VALUE, the rest truncate toward zero. cvttq
// alone would trap or wrap out of range, so the range is tested first and
// cvttq/svc (chopped, software-completed so a denormal operand does not
// raise SIGFPE) only converts what fits.
func (e *emitter) f2i(v *ir.Value) {
	long := v.Type == ir.Long
	xr := e.fsrc(v.Args[0], 27)
	d := e.idst(v)
	lim := math.Ldexp(1, 31)
	if long {
		lim = math.Ldexp(1, 63)
	}
	lz, lmax, lmin, done := e.newLabel(), e.newLabel(), e.newLabel(), e.newLabel()
	e.ins("cmptun/su $f%d,$f%d,$f30", xr, xr)
	e.ins("fbne $f30,%s", lz)
	e.fconst(28, lim)
	e.ins("cmptle/su $f28,$f%d,$f30", xr)
	e.ins("fbne $f30,%s", lmax)
	e.fconst(28, -lim)
	e.ins("cmptle/su $f%d,$f28,$f30", xr)
	e.ins("fbne $f30,%s", lmin)
	e.ins("cvttq/svc $f%d,$f30", xr)
	e.ins("stt $f30,%d($30)", e.scratchOff)
	e.ins("ldq $%d,%d($30)", d, e.scratchOff)
	e.ins("br %s", done)
	e.putLabel(lz)
	e.ins("mov $31,$%d", d)
	e.ins("br %s", done)
	e.putLabel(lmax)
	e.ins("lda $%d,-1($31)", d)
	if long {
		e.ins("srl $%d,1,$%d", d, d)
	} else {
		e.ins("srl $%d,33,$%d", d, d)
	}
	e.ins("br %s", done)
	e.putLabel(lmin)
	if long {
		e.ins("lda $%d,1($31)", d)
		e.ins("sll $%d,63,$%d", d, d)
	} else {
		e.ins("ldah $%d,-32768($31)", d)
	}
	e.putLabel(done)
	e.idone(v, d)
}

// fcompare is fcmpl/fcmpg/dcmpl/dcmpg (JVMS §6.5.fcmp_op): -1, 0 or 1, and
// for an unordered pair -1 (cmpl) or 1 (cmpg).
func (e *emitter) fcompare(v *ir.Value) {
	xr := e.fsrc(v.Args[0], 27)
	yr := e.fsrc(v.Args[1], 28)
	d := e.idst(v)
	lnan, llt, leq, done := e.newLabel(), e.newLabel(), e.newLabel(), e.newLabel()
	e.ins("cmptun/su $f%d,$f%d,$f30", xr, yr)
	e.ins("fbne $f30,%s", lnan)
	e.ins("cmptlt/su $f%d,$f%d,$f30", xr, yr)
	e.ins("fbne $f30,%s", llt)
	e.ins("cmpteq/su $f%d,$f%d,$f30", xr, yr)
	e.ins("fbne $f30,%s", leq)
	e.ins("lda $%d,1($31)", d)
	e.ins("br %s", done)
	e.putLabel(llt)
	e.ins("lda $%d,-1($31)", d)
	e.ins("br %s", done)
	e.putLabel(leq)
	e.ins("mov $31,$%d", d)
	e.ins("br %s", done)
	e.putLabel(lnan)
	if v.Op == ir.OpCmpl {
		e.ins("lda $%d,-1($31)", d)
	} else {
		e.ins("lda $%d,1($31)", d)
	}
	e.putLabel(done)
	e.idone(v, d)
}

var elemShift = map[byte]int{'B': 0, 'Z': 0, 'C': 1, 'S': 1, 'I': 2, 'F': 2, 'J': 3, 'D': 3}

// elemAddr puts the address of element i of array a, less ArrayData, in $28.
func (e *emitter) elemAddr(ar, ir_ int, c byte) {
	switch elemShift[c] {
	case 0:
		e.ins("addq $%d,$%d,$28", ar, ir_)
	case 1:
		e.ins("addq $%d,$%d,$28", ir_, ir_)
		e.ins("addq $28,$%d,$28", ar)
	case 2:
		e.ins("s4addq $%d,$%d,$28", ir_, ar)
	case 3:
		e.ins("s8addq $%d,$%d,$28", ir_, ar)
	}
}

func (e *emitter) arrayLoad(v *ir.Value) {
	c := byte(v.AuxInt)
	ar := e.isrc(v.Args[0], 23)
	ir_ := e.isrc(v.Args[1], 24)
	e.elemAddr(ar, ir_, c)
	if c == 'F' || c == 'D' {
		d := e.fdst(v)
		e.ins("%s $f%d,%d($28)", map[byte]string{'F': "lds", 'D': "ldt"}[c], d, ArrayData)
		e.fdone(v, d)
		return
	}
	d := e.idst(v)
	switch c {
	case 'I':
		e.ins("ldl $%d,%d($28)", d, ArrayData)
	case 'J':
		e.ins("ldq $%d,%d($28)", d, ArrayData)
	case 'B', 'Z', 'C', 'S':
		word := c == 'C' || c == 'S'
		if e.cpu.BWX() {
			op := "ldbu"
			if word {
				op = "ldwu"
			}
			e.ins("%s $%d,%d($28)", op, d, ArrayData)
		} else {
			// AARM §4.2.4's unaligned-load idiom: the quadword that holds
			// the datum, then the byte or word extracted by address.
			ext := "extbl"
			if word {
				ext = "extwl"
			}
			e.ins("lda $28,%d($28)", ArrayData)
			e.ins("ldq_u $27,0($28)")
			e.ins("%s $27,$28,$%d", ext, d)
		}
		if c == 'B' || c == 'S' {
			e.sext(d, c)
		}
	default:
		fail("array load of %c", c)
	}
	e.idone(v, d)
}

func (e *emitter) arrayStore(v *ir.Value) {
	c := byte(v.AuxInt)
	ar := e.isrc(v.Args[0], 23)
	ir_ := e.isrc(v.Args[1], 24)
	if c == 'F' || c == 'D' {
		xr := e.fsrc(v.Args[2], 27)
		e.elemAddr(ar, ir_, c)
		e.ins("%s $f%d,%d($28)", map[byte]string{'F': "sts", 'D': "stt"}[c], xr, ArrayData)
		return
	}
	xr := e.isrc(v.Args[2], 25)
	if c == 'Z' {
		// JVMS §6.5.bastore: a boolean array keeps value & 1.
		e.ins("and $%d,1,$22", xr)
		xr = 22
	}
	e.elemAddr(ar, ir_, c)
	switch c {
	case 'I':
		e.ins("stl $%d,%d($28)", xr, ArrayData)
	case 'J':
		e.ins("stq $%d,%d($28)", xr, ArrayData)
	case 'B', 'Z', 'C', 'S':
		word := c == 'C' || c == 'S'
		if e.cpu.BWX() {
			op := "stb"
			if word {
				op = "stw"
			}
			e.ins("%s $%d,%d($28)", op, xr, ArrayData)
			return
		}
		// AARM §4.2.5's read-modify-write of the enclosing quadword:
		// insert the datum, mask its old bytes out, merge, store back.
		ins, msk := "insbl", "mskbl"
		if word {
			ins, msk = "inswl", "mskwl"
		}
		e.ins("lda $28,%d($28)", ArrayData)
		e.ins("ldq_u $27,0($28)")
		e.ins("%s $%d,$28,$23", ins, xr)
		e.ins("%s $27,$28,$27", msk)
		e.ins("bis $27,$23,$27")
		e.ins("stq_u $27,0($28)")
	default:
		fail("array store of %c", c)
	}
}

// fieldSym names a field's storage symbol: prefix, then owner and name
// JNI-mangled (the mangling of Symbol, without its method parts).
func fieldSym(prefix string, s *ir.Sym) string {
	m := strings.TrimSuffix(strings.TrimPrefix(native.Symbol(s.Owner, s.Name, "()V"), "Java_"), "__")
	return prefix + m
}

// StaticSymbol and OffsetSymbol are the run-time names of a static field's
// storage and of an instance field's offset.
func StaticSymbol(owner, name string) string {
	return fieldSym("dvm_sf_", &ir.Sym{Owner: owner, Name: name})
}

func OffsetSymbol(owner, name string) string {
	return fieldSym("dvm_fo_", &ir.Sym{Owner: owner, Name: name})
}

func (e *emitter) field(v *ir.Value) {
	desc := v.Sym.Desc
	c := desc[0]
	// The value to store first (a float constant's load uses $28), then
	// the address of the field's storage in $28.
	var val *ir.Value
	switch v.Op {
	case ir.OpPutStatic:
		val = v.Args[0]
	case ir.OpPutField:
		val = v.Args[1]
	}
	xr := 31
	if val != nil {
		if c == 'F' || c == 'D' {
			xr = e.fsrc(val, 27)
		} else {
			xr = e.isrc(val, 25)
		}
	}
	switch v.Op {
	case ir.OpGetStatic, ir.OpPutStatic:
		s := fieldSym("dvm_sf_", v.Sym)
		e.comms[s] = true
		e.ins("ldq $28,%s($29) !literal", s)
	default:
		or := e.isrc(v.Args[0], 23)
		e.ins("ldq $28,%s($29) !literal", fieldSym("dvm_fo_", v.Sym))
		e.ins("ldq $28,0($28)")
		e.ins("addq $%d,$28,$28", or)
	}
	if val == nil {
		switch c {
		case 'F', 'D':
			d := e.fdst(v)
			e.ins("%s $f%d,0($28)", map[byte]string{'F': "lds", 'D': "ldt"}[c], d)
			e.fdone(v, d)
		default:
			d := e.idst(v)
			if c == 'J' || c == '[' || c == 'L' {
				e.ins("ldq $%d,0($28)", d)
			} else {
				e.ins("ldl $%d,0($28)", d)
			}
			e.idone(v, d)
		}
		return
	}
	switch c {
	case 'F', 'D':
		e.ins("%s $f%d,0($28)", map[byte]string{'F': "sts", 'D': "stt"}[c], xr)
	case 'J', '[', 'L':
		e.ins("stq $%d,0($28)", xr)
	default:
		// The value a field of a narrow type keeps (JVMS §6.5.putfield:
		// boolean & 1; byte, char and short as their own width).
		switch c {
		case 'Z':
			e.ins("and $%d,1,$22", xr)
			xr = 22
		case 'B', 'S':
			e.ins("mov $%d,$22", xr)
			xr = 22
			e.sext(22, c)
		case 'C':
			e.ins("zapnot $%d,3,$22", xr)
			xr = 22
		}
		e.ins("stl $%d,0($28)", xr)
	}
}

// callMethod calls another compiled method of the class by its symbol, with
// null for JNIEnv and the class (Alpha code uses neither).
func (e *emitter) callMethod(v *ir.Value) {
	var moves []move
	var consts []constMove
	for i, x := range v.Args {
		dst := argLoc(2+i, x.Type)
		if x.IsConst() {
			consts = append(consts, constMove{dst: dst, v: x})
			continue
		}
		moves = append(moves, move{dst: dst, src: e.loc(x), float: x.Type.IsFloat()})
	}
	e.parallel(moves, consts)
	e.ins("mov $31,$16")
	e.ins("mov $31,$17")
	e.call(native.Symbol(v.Sym.Owner, v.Sym.Name, v.Sym.Desc))
	if v.Type != ir.Void {
		e.result(v)
	}
}

// toReg puts x in register n of its file: $fn for a float, $n otherwise.
func (e *emitter) toReg(x *ir.Value, n int) {
	if x.Type.IsFloat() {
		r := e.fsrc(x, 27)
		e.ins("cpys $f%d,$f%d,$f%d", r, r, n)
		return
	}
	e.ins("mov $%d,$%d", e.isrc(x, 23), n)
}

// result takes a call's value, which the convention returns in $f0 or $0,
// into v's location.
func (e *emitter) result(v *ir.Value) {
	if v.Type.IsFloat() {
		d := e.fdst(v)
		e.ins("cpys $f0,$f0,$f%d", d)
		e.fdone(v, d)
		return
	}
	d := e.idst(v)
	e.ins("mov $0,$%d", d)
	e.idone(v, d)
}

// --- block ends

func (e *emitter) phiMoves(from, to *ir.Block) {
	k := predIndex(to, from)
	var moves []move
	var consts []constMove
	for _, p := range to.Values {
		if p.Op != ir.OpPhi {
			break
		}
		dst := e.loc(p)
		if dst.kind == locNone {
			continue
		}
		x := p.Args[k]
		if x.IsConst() {
			consts = append(consts, constMove{dst: dst, v: x})
			continue
		}
		moves = append(moves, move{dst: dst, src: e.loc(x), float: p.Type.IsFloat()})
	}
	e.parallel(moves, consts)
}

func hasPhis(b *ir.Block) bool { return len(b.Values) > 0 && b.Values[0].Op == ir.OpPhi }

func (e *emitter) terminate(b, next *ir.Block) {
	switch b.Kind {
	case ir.Plain:
		if len(b.Succs) != 1 {
			fail("block b%d: plain with %d successors", b.ID, len(b.Succs))
		}
		s := b.Succs[0]
		e.phiMoves(b, s)
		if s != next {
			e.ins("br %s", e.blockLabel(s))
		}
	case ir.Return:
		if len(b.Controls) == 1 {
			e.toReg(b.Controls[0], 0)
		}
		e.ins("ldq $26,%d($30)", e.raOff)
		off := e.savedOff
		for _, r := range e.a.usedSaved {
			e.ins("ldq $%d,%d($30)", r, off)
			off += 8
		}
		for _, r := range e.a.usedFSaved {
			e.ins("ldt $f%d,%d($30)", r, off)
			off += 8
		}
		e.ins("lda $30,%d($30)", e.frame)
		e.ins("ret $31,($26),1")
	case ir.Throw:
		e.throwObject(b)
	case ir.If:
		if len(b.Succs) != 2 || len(b.Controls) != 2 {
			fail("block b%d: if with %d successors, %d controls", b.ID, len(b.Succs), len(b.Controls))
		}
		target := func(s *ir.Block) string {
			if !hasPhis(s) {
				return e.blockLabel(s)
			}
			l := e.newLabel()
			from := b
			e.tramps = append(e.tramps, func() {
				e.putLabel(l)
				e.phiMoves(from, s)
				e.ins("br %s", e.blockLabel(s))
			})
			return l
		}
		tl, fl := target(b.Succs[0]), target(b.Succs[1])
		x, y, c := b.Controls[0], b.Controls[1], b.Cond
		if x.IsConst() && constBits(x) == 0 && !(y.IsConst() && constBits(y) == 0) {
			x, y, c = y, x, c.Swap()
		}
		if y.IsConst() && constBits(y) == 0 {
			xr := e.isrc(x, 23)
			e.ins("%s $%d,%s", map[ir.Cond]string{ir.Eq: "beq", ir.Ne: "bne", ir.Lt: "blt", ir.Ge: "bge", ir.Gt: "bgt", ir.Le: "ble"}[c], xr, tl)
		} else {
			xr := e.isrc(x, 23)
			var cmp, br string
			switch c {
			case ir.Eq:
				cmp, br = fmt.Sprintf("cmpeq $%d,%s,$28", xr, e.iopnd(y, 24)), "bne"
			case ir.Ne:
				cmp, br = fmt.Sprintf("cmpeq $%d,%s,$28", xr, e.iopnd(y, 24)), "beq"
			case ir.Lt:
				cmp, br = fmt.Sprintf("cmplt $%d,%s,$28", xr, e.iopnd(y, 24)), "bne"
			case ir.Ge:
				cmp, br = fmt.Sprintf("cmplt $%d,%s,$28", xr, e.iopnd(y, 24)), "beq"
			case ir.Le:
				cmp, br = fmt.Sprintf("cmple $%d,%s,$28", xr, e.iopnd(y, 24)), "bne"
			case ir.Gt:
				cmp, br = fmt.Sprintf("cmple $%d,%s,$28", xr, e.iopnd(y, 24)), "beq"
			}
			e.ins("%s", cmp)
			e.ins("%s $28,%s", br, tl)
		}
		if !(b.Succs[1] == next && fl == e.blockLabel(next)) {
			e.ins("br %s", fl)
		}
	default:
		fail("block b%d: kind %d", b.ID, b.Kind)
	}
}

// Package amd64 is the network compiler's x86-64 back end: instruction
// selection from the IR, linear-scan register allocation, and GNU assembler
// text (Intel syntax) following the System V AMD64 ABI with the JNI
// signature of each native method, assembled by binutils' `as`.
package amd64

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"dvmlab/core/classfile"
	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

func init() { native.Register(Backend{}) }

// Backend is the amd64 back end.
type Backend struct{}

func (Backend) Arch() string   { return "amd64" }
func (Backend) CPUs() []string { return nil }

// JNI function table indices (JNI specification, chapter 4, "Interface
// Function Table"); TestJNIIndices checks them against the JDK's jni.h.
const (
	jniFindClass                     = 6
	jniThrowNew                      = 14
	jniNewGlobalRef                  = 21
	jniGetFieldID                    = 94
	jniGetField                      = 95 // Object; then Boolean, Byte, Char, Short, Int, Long, Float, Double
	jniSetField                      = 104
	jniGetStaticFieldID              = 144
	jniGetStaticField                = 145
	jniSetStaticField                = 154
	jniGetArrayLength                = 171
	jniNewArray                      = 175 // Boolean, Byte, Char, Short, Int, Long, Float, Double
	jniGetArrayRegion                = 199
	jniSetArrayRegion                = 207
	jniExceptionCheck                = 228
	jniGetPrimitiveArrayCritical     = 222
	jniReleasePrimitiveArrayCritical = 223
	jniDeleteLocalRef                = 23
	jniIsInstanceOf                  = 32
	jniNewStringUTF                  = 167
	jniThrow                         = 13
	jniIsSameObject                  = 24
	jniAllocObject                   = 27
	jniGetMethodID                   = 33
	jniCallMethodA                   = 36 // Object; then Boolean … Double, Void, three entries apart
	jniCallNonvirtualMethodA         = 66
	jniGetStaticMethodID             = 113
	jniCallStaticMethodA             = 116
	jniNewObjectArray                = 172
	jniGetObjectArrayElement         = 173
	jniSetObjectArrayElement         = 174
	frameScratch                     = 48 // [rbp-48]: the one-element buffer of array region calls
	firstSpill                       = 56
	savedRegsBelowFramePtr           = 40
)

// elemIndex is a primitive's position in the JNI function families.
func elemIndex(c byte) int { return strings.IndexByte("ZBCSIJFD", c) }

// Lower emits f. See native.Backend for the contract.
func (Backend) Lower(f *ir.Func, opt native.Options) (string, error) {
	md, err := classfile.ParseMethodDescriptor(f.Desc)
	if err != nil {
		return "", err
	}
	if why := native.UpcallBound(f); why != "" && opt.DeclinesUpcalls() {
		return "", &native.Declined{Why: why}
	}
	native.SplitCriticalEdges(f)
	if err := native.Check(f); err != nil {
		return "", err
	}
	g := &gen{f: f, sym: native.Symbol(f.Class, f.Name, f.Desc), md: md}
	pins := pinnable(f)
	calls := isCall
	if pins != nil {
		calls = func(v *ir.Value) bool { // fmod, and the field reads before the pinning
			return v.Op == ir.OpRem && v.Type.IsFloat() || v.Op == ir.OpGetField || v.Op == ir.OpGetStatic ||
				native.Intrinsic(v) && intrinsicCalls(v) // libm
		}
	}
	g.deletes = deletions(f)
	var edges edgeCalls
	if pins == nil {
		if g.stretch = findStretches(f, g.deletes); g.stretch != nil {
			edges = g.stretch.edgeCalls()
			calls = func(v *ir.Value) bool { return isCall(v) && !g.stretch.inStretch(v) }
		}
	}
	if pins == nil {
		g.bufferList = findBuffers(f, g.stretch)
		edges.uses = map[*ir.Value][]*ir.Value{}
		for _, bf := range g.bufferList {
			for _, b := range f.Blocks {
				for _, v := range b.Values {
					if l := lengthOf(v); v.Op == ir.OpArrayLoad && v.Args[0] == bf.array && l != nil {
						edges.uses[v] = append(edges.uses[v], l)
					}
				}
			}
		}
	}
	g.a = allocate(f, firstSpill, calls, pins != nil, g.deletes, edges) // pinning calls out after the parameters arrive
	if g.stretch != nil {
		g.stretchSlots(firstSpill + 8*g.a.slots)
	} else {
		g.pinSlots(pins, firstSpill+8*g.a.slots)
	}
	g.bufferSlots(firstSpill + 8*g.a.slots + 24*len(g.pinOrder))
	g.emit()
	return g.out.String(), nil
}

// Assemble runs GNU as on the text.
func (Backend) Assemble(asm, obj string, opt native.Options) error {
	dir, err := os.MkdirTemp("", "dvmlab-as")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "code.s")
	if err := os.WriteFile(src, []byte(asm), 0o644); err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.Command("as", "--64", "-o", obj, src)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if stderr.Len() == 0 {
			return &native.AsmError{Tool: "as", Msg: err.Error()}
		}
		return native.ParseAsError("as", stderr.String(), asm, nil)
	}
	return nil
}

type gen struct {
	f          *ir.Func
	md         *classfile.MethodDescriptor
	sym        string
	a          *alloc
	out        strings.Builder
	data       strings.Builder
	labels     int
	throws     map[throwKey]string // exception and message -> stub label
	cold       strings.Builder     // out-of-line code after the function's exit: the checks' failure paths
	pins       map[*ir.Value]*pin
	deletes    map[*ir.Value][]*ir.Value // instruction -> local references to delete after it
	pinOrder   []*pin
	stretch    *stretches            // pins of loops that make no JNI call, in a method that makes some (stretch.go)
	buffers    map[*ir.Value]*buffer // arrays read from a copy in the frame (buffer.go)
	bufferList []*buffer
	fields     map[string]int // field key -> cache number
	strings    map[string]int // string literal -> cache number

	homeState // deferred field stores (deferred.go)
}

func (g *gen) ins(format string, a ...any) { fmt.Fprintf(&g.out, "\t"+format+"\n", a...) }

func (g *gen) label() string {
	g.labels++
	return fmt.Sprintf(".L%s_%d", g.sym, g.labels)
}

func (g *gen) blockLabel(b *ir.Block) string { return fmt.Sprintf(".L%s_b%d", g.sym, b.ID) }

// size-specific views of a location.
func (g *gen) opnd(v *ir.Value) string {
	if v.Op == ir.OpConst {
		return fmt.Sprint(v.AuxInt)
	}
	l, ok := g.a.locs[v]
	if !ok {
		panic(fmt.Sprintf("amd64: %s has no location", v))
	}
	wide := v.Type.Is64()
	if l.reg >= 0 {
		if v.Type.IsFloat() {
			return fmt.Sprintf("xmm%d", l.reg)
		}
		if wide {
			return gpr64[l.reg]
		}
		return gpr32[l.reg]
	}
	switch {
	case v.Type == ir.Float || v.Type == ir.Int:
		return fmt.Sprintf("DWORD PTR [rbp-%d]", l.slot)
	}
	return fmt.Sprintf("QWORD PTR [rbp-%d]", l.slot)
}

func (g *gen) inReg(v *ir.Value) bool {
	if v.Op == ir.OpConst {
		return false
	}
	return g.a.locs[v].reg >= 0
}

func fitsImm32(v *ir.Value) bool {
	return v.Op == ir.OpConst && v.AuxInt >= math.MinInt32 && v.AuxInt <= math.MaxInt32
}

// intConst is a constant's value as the instruction width sees it.
func intConst(v *ir.Value) int64 {
	if v.Type == ir.Int {
		return int64(int32(v.AuxInt))
	}
	return v.AuxInt
}

// ldg loads an integer or reference value into scratch register r.
func (g *gen) ldg(r int, v *ir.Value) {
	name := gpr32[r]
	if v.Type.Is64() {
		name = gpr64[r]
	}
	if v.Op == ir.OpConst {
		c := intConst(v)
		switch {
		case c == 0:
			g.ins("xor %s, %s", gpr32[r], gpr32[r])
		case v.Type.Is64() && (c < math.MinInt32 || c > math.MaxInt32):
			g.ins("movabs %s, %d", name, c)
		default:
			g.ins("mov %s, %d", name, c)
		}
		return
	}
	g.ins("mov %s, %s", name, g.opnd(v))
}

// stg stores scratch register r into v's location.
func (g *gen) stg(v *ir.Value, r int) {
	name := gpr32[r]
	if v.Type.Is64() {
		name = gpr64[r]
	}
	g.ins("mov %s, %s", g.opnd(v), name)
}

// movf is movss or movsd for a float type.
func movf(t ir.Type) string {
	if t == ir.Float {
		return "movss"
	}
	return "movsd"
}

func sfx(t ir.Type) string {
	if t == ir.Float {
		return "ss"
	}
	return "sd"
}

// ldx loads a float or double into xmm register x.
func (g *gen) ldx(x int, v *ir.Value) {
	if v.Op == ir.OpConst {
		if v.Type == ir.Float {
			g.ins("mov eax, %d", int32(v.AuxInt))
			g.ins("movd xmm%d, eax", x)
		} else {
			g.ins("movabs rax, %d", v.AuxInt)
			g.ins("movq xmm%d, rax", x)
		}
		return
	}
	if l := g.a.locs[v]; l.reg >= 0 {
		if l.reg != x {
			g.ins("movaps xmm%d, xmm%d", x, l.reg)
		}
		return
	}
	g.ins("%s xmm%d, %s", movf(v.Type), x, g.opnd(v))
}

// stx stores xmm register x into v's location.
func (g *gen) stx(v *ir.Value, x int) {
	if l := g.a.locs[v]; l.reg >= 0 {
		if l.reg != x {
			g.ins("movaps xmm%d, xmm%d", l.reg, x)
		}
		return
	}
	g.ins("%s %s, xmm%d", movf(v.Type), g.opnd(v), x)
}

// operand is v as the second operand of an integer instruction: a
// register, a frame slot or an immediate; a 64-bit constant too wide for
// an immediate goes through rcx.
func (g *gen) operand(v *ir.Value) string {
	if v.Op == ir.OpConst {
		if fitsImm32(v) || v.Type == ir.Int {
			return fmt.Sprint(intConst(v))
		}
		g.ldg(rCX, v)
		return "rcx"
	}
	return g.opnd(v)
}

// frameSize is the bytes below the saved registers: the scratch slot and
// the spill slots, keeping rsp 16-byte aligned at calls (System V ABI §3.2.2).
func (g *gen) frameSize() int {
	n := 8 + 8*g.a.slots + 24*len(g.pinOrder) // scratch, spills, pins
	if (n+savedRegsBelowFramePtr)%16 != 0 {
		n += 8
	}
	return n
}

func (g *gen) emit() {
	f := g.f
	g.throws = map[throwKey]string{}
	g.fields = map[string]int{}
	g.strings = map[string]int{}
	fmt.Fprintf(&g.out, "# %s.%s%s\n", f.Class, f.Name, f.Desc)
	g.ins(".text")
	g.ins(".globl %s", g.sym)
	g.ins(".type %s, @function", g.sym)
	g.ins(".p2align 4")
	fmt.Fprintf(&g.out, "%s:\n", g.sym)
	g.ins("push rbp")
	g.ins("mov rbp, rsp")
	g.ins("push rbx")
	g.ins("push r12")
	g.ins("push r13")
	g.ins("push r14")
	g.ins("push r15")
	g.ins("sub rsp, %d", g.frameSize())
	g.ins("mov r15, rdi")
	g.params()
	g.clearPins()
	g.dropBuffers()
	g.stackCheck()
	for i, b := range f.Blocks {
		fmt.Fprintf(&g.out, "%s:\n", g.blockLabel(b))
		if s := g.stretch; s != nil {
			if s.releaseStart[b] {
				g.releasePins()
			}
			g.pins = nil
			if st := s.of[b]; st != nil {
				g.pins = st.pins
			}
		}
		for _, v := range b.Values {
			if v.Op == ir.OpPhi {
				if bf := g.buffers[v]; bf != nil {
					g.ins("mov DWORD PTR [rbp-%d], 0", bf.state) // a new array
				}
				continue
			}
			g.value(v)
			g.deleteRefs(v)
			if bf := g.buffers[v]; bf != nil {
				g.ins("mov DWORD PTR [rbp-%d], 0", bf.state)
			}
			if dropsBuffers(v, f.Class) {
				g.dropBuffers()
			}
		}
		if s := g.stretch; s != nil {
			if s.releaseEnd[b] {
				g.releasePins()
			}
			if st := s.pinAtEnd[b]; st != nil {
				g.pinSet(st.order, st.length)
			}
		} else if i == 0 {
			g.pinAll()
		}
		var next *ir.Block
		if i+1 < len(f.Blocks) {
			next = f.Blocks[i+1]
		}
		g.terminator(b, next)
	}
	// The common exits: a pending exception returns zero.
	fmt.Fprintf(&g.out, "%s:\n", g.pendingLabel())
	g.ins("xor eax, eax")
	g.ins("pxor xmm0, xmm0")
	fmt.Fprintf(&g.out, "%s:\n", g.retLabel())
	g.releaseAll()
	g.ins("lea rsp, [rbp-%d]", savedRegsBelowFramePtr)
	g.ins("pop r15")
	g.ins("pop r14")
	g.ins("pop r13")
	g.ins("pop r12")
	g.ins("pop rbx")
	g.ins("pop rbp")
	g.ins("ret")
	g.out.WriteString(g.cold.String())
	g.throwStubs()
	g.ins(".size %s, .-%s", g.sym, g.sym)
	g.out.WriteString(g.data.String())
}

func (g *gen) pendingLabel() string { return ".L" + g.sym + "_pending" }
func (g *gen) retLabel() string     { return ".L" + g.sym + "_ret" }

// params moves the arguments from where the ABI puts them (rdi env, rsi
// class or receiver, then rdx, rcx, r8, r9 and xmm0…xmm7, then the stack
// above the return address) to their locations, narrowing boolean, byte,
// char and short as their descriptors say.
func (g *gen) params() {
	intRegs := []int{rSI, rDX, rCX, r8, r9}
	ni, nf, stack := 0, 0, 0
	params := map[int]*ir.Value{}
	for _, v := range g.f.Blocks[0].Values {
		if v.Op == ir.OpParam {
			params[int(v.AuxInt)] = v
		}
	}
	k := 0
	if g.f.Static {
		ni = 1 // the class
	}
	descs := make([]byte, 0, len(g.f.Params))
	if !g.f.Static {
		descs = append(descs, 'L')
	}
	for _, p := range g.md.Params {
		if p.Dims > 0 {
			descs = append(descs, '[')
		} else {
			descs = append(descs, p.Elem)
		}
	}
	for k = range g.f.Params {
		t := g.f.Params[k]
		v := params[k]
		if t.IsFloat() {
			if nf < 8 {
				if v != nil {
					g.stx(v, nf)
				}
				nf++
				continue
			}
		} else if ni < len(intRegs) {
			if v != nil {
				g.narrow(intRegs[ni], descs[k])
				g.stg(v, intRegs[ni])
			}
			ni++
			continue
		}
		if v != nil {
			at := fmt.Sprintf("[rbp+%d]", 16+8*stack)
			if t.IsFloat() {
				g.ins("%s xmm14, %s", movf(t), at)
				g.stx(v, 14)
			} else {
				g.ins("mov rax, QWORD PTR %s", at)
				g.narrow(rAX, descs[k])
				g.stg(v, rAX)
			}
		}
		stack++
	}
}

// narrow extends a sub-int argument in register r as Java holds it.
func (g *gen) narrow(r int, desc byte) {
	switch desc {
	case 'Z':
		g.ins("movzx %s, %s", gpr32[r], byteReg(r))
	case 'B':
		g.ins("movsx %s, %s", gpr32[r], byteReg(r))
	case 'C':
		g.ins("movzx %s, %s", gpr32[r], wordReg(r))
	case 'S':
		g.ins("movsx %s, %s", gpr32[r], wordReg(r))
	}
}

func byteReg(r int) string {
	return [...]string{"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"}[r]
}

func wordReg(r int) string {
	return [...]string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"}[r]
}

// jni calls JNI function number idx through the JNIEnv's table, with the
// arguments already in rsi, rdx… (rdi is set here).
func (g *gen) jni(idx int) {
	g.ins("mov rdi, r15")
	g.ins("mov rax, QWORD PTR [r15]")
	g.ins("call QWORD PTR [rax+%d]", 8*idx)
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

package amd64

import (
	"fmt"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// The exceptions compiled checks throw carry the messages HotSpot gives
// them: "/ by zero" (JVMS §6.5.idiv), "Index 5 out of bounds for length 3"
// (§6.5.iaload and the other array instructions), the negative size itself
// for NegativeArraySizeException (§6.5.newarray), and for a
// NullPointerException the helpful message the front end computed from the
// bytecode (JEP 358). A message made of run-time values is written in a
// buffer on the stack by the stub, digit by digit, before JNI ThrowNew.

// throwKey names one throw stub: the exception class and its message, or
// one of the msg markers for a message made at run time.
type throwKey struct{ cls, msg string }

const (
	msgIndex = "\x00index" // eax the index, ecx the length
	msgSize  = "\x00size"  // eax the size
)

// throwStub returns the label of the code that throws cls with msg ("" for
// a null message) and leaves through the pending exit; one per function.
func (g *gen) throwStub(cls, msg string) string {
	k := throwKey{cls, msg}
	if l, ok := g.throws[k]; ok {
		return l
	}
	l := fmt.Sprintf(".L%s_throw%d", g.sym, len(g.throws))
	g.throws[k] = l
	return l
}

// boundsFailure returns the label a failing bounds check jumps to, with
// the index in eax: out of line, it loads the length into ecx for the
// message and goes on to the shared stub.
func (g *gen) boundsFailure(length *ir.Value) string {
	l := g.label()
	stub := g.throwStub("java/lang/ArrayIndexOutOfBoundsException", msgIndex)
	fmt.Fprintf(&g.cold, "%s:\n", l)
	if length.Op == ir.OpConst {
		fmt.Fprintf(&g.cold, "\tmov ecx, %d\n", intConst(length))
	} else {
		fmt.Fprintf(&g.cold, "\tmov ecx, %s\n", g.opnd(length))
	}
	fmt.Fprintf(&g.cold, "\tjmp %s\n", stub)
	return l
}

// itoaLabel is the function's local routine that writes eax as a signed
// decimal before rdi, leaving rdi at its first character (clobbers rax,
// rcx, rdx, r8).
func (g *gen) itoaLabel() string { return ".L" + g.sym + "_itoa" }

func (g *gen) throwStubs() {
	keys := make([]throwKey, 0, len(g.throws))
	for k := range g.throws {
		keys = append(keys, k)
	}
	// Sorted for a stable output.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && g.throws[keys[j]] < g.throws[keys[j-1]]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	itoa := false
	for _, k := range keys {
		l := g.throws[k]
		fmt.Fprintf(&g.out, "%s:\n", l)
		switch k.msg {
		case msgIndex, msgSize:
			g.ins("mov DWORD PTR [rbp-%d], eax", frameScratch)
			g.ins("mov DWORD PTR [rbp-%d], ecx", frameScratch-4)
		}
		g.releaseAll() // ThrowNew may not run inside a critical region
		switch k.msg {
		case "":
			g.ins("xor ebx, ebx")
		case msgIndex:
			itoa = true
			g.ins("sub rsp, 96")
			g.ins("lea rdi, [rsp+95]")
			g.ins("mov BYTE PTR [rdi], 0")
			g.ins("mov eax, DWORD PTR [rbp-%d]", frameScratch-4)
			g.ins("call %s", g.itoaLabel())
			g.copyBefore(l+"_len", " out of bounds for length ")
			g.ins("mov eax, DWORD PTR [rbp-%d]", frameScratch)
			g.ins("call %s", g.itoaLabel())
			g.copyBefore(l+"_idx", "Index ")
			g.ins("mov rbx, rdi")
		case msgSize:
			itoa = true
			g.ins("sub rsp, 96")
			g.ins("lea rdi, [rsp+95]")
			g.ins("mov BYTE PTR [rdi], 0")
			g.ins("mov eax, DWORD PTR [rbp-%d]", frameScratch)
			g.ins("call %s", g.itoaLabel())
			g.ins("mov rbx, rdi")
		default:
			g.ins("lea rbx, [rip+%s_msg]", l)
			fmt.Fprintf(&g.data, "\t.section .rodata\n%s_msg:\n\t.asciz \"%s\"\n", l, native.Asciz(k.msg))
		}
		// rbx holds the message: the exit restores it from the stack.
		g.ins("lea rsi, [rip+%s_name]", l)
		g.jni(jniFindClass)
		g.ins("test rax, rax")
		g.ins("jz %s", g.pendingLabel())
		g.ins("mov rsi, rax")
		g.ins("mov rdx, rbx")
		g.jni(jniThrowNew)
		g.ins("jmp %s", g.pendingLabel())
		fmt.Fprintf(&g.data, "\t.section .rodata\n%s_name:\n\t.asciz \"%s\"\n", l, k.cls)
	}
	if itoa {
		g.itoa()
	}
}

// copyBefore copies the text s (a literal in the data) to just before rdi
// and leaves rdi at its start.
func (g *gen) copyBefore(label, s string) {
	fmt.Fprintf(&g.data, "\t.section .rodata\n%s:\n\t.ascii \"%s\"\n", label, native.Asciz(s))
	g.ins("sub rdi, %d", len(s))
	g.ins("mov rdx, rdi")
	g.ins("lea rsi, [rip+%s]", label)
	g.ins("mov ecx, %d", len(s))
	g.ins("rep movsb")
	g.ins("mov rdi, rdx")
}

func (g *gen) itoa() {
	digit, pos := g.label(), g.label()
	fmt.Fprintf(&g.out, "%s:\n", g.itoaLabel())
	g.ins("mov r8d, eax")
	g.ins("test eax, eax")
	g.ins("jns %s", pos)
	g.ins("neg eax") // MIN_VALUE stays 0x80000000, right as an unsigned number
	fmt.Fprintf(&g.out, "%s:\n", pos)
	g.ins("mov ecx, 10")
	fmt.Fprintf(&g.out, "%s:\n", digit)
	g.ins("xor edx, edx")
	g.ins("div ecx")
	g.ins("add dl, 48")
	g.ins("dec rdi")
	g.ins("mov BYTE PTR [rdi], dl")
	g.ins("test eax, eax")
	g.ins("jnz %s", digit)
	done := g.label()
	g.ins("test r8d, r8d")
	g.ins("jns %s", done)
	g.ins("dec rdi")
	g.ins("mov BYTE PTR [rdi], 45")
	fmt.Fprintf(&g.out, "%s:\n", done)
	g.ins("ret")
}

package amd64

import (
	"fmt"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

const jniGetObjectClass = 31

// interfaceMethod leaves in rax the method ID an invokeinterface of v
// calls, resolved on the receiver's class rather than on the interface:
// GetMethodID initializes the class it is given (JNI specification,
// GetMethodID), and invokeinterface does not initialize the interface
// (JVMS §5.5), so an interface's static initializer would run early. The
// receiver's class is initialized already (it has an instance); its
// method ID for the interface method dispatches as invokeinterface does.
// Each call site caches the first class it sees and its method ID, written
// once: the thread that wins the claim word stores the ID, then the
// class's global reference (x86 keeps stores in order, so a thread that
// sees the class sees the ID); other classes look the method up each time.
// The receiver is not null (a null check precedes the call).
func (g *gen) interfaceMethod(v *ir.Value) {
	k := g.labels
	g.labels++
	base := fmt.Sprintf(".L%s_if%d", g.sym, k)
	fmt.Fprintf(&g.data, "\t.bss\n\t.p2align 3\n%s_cls:\n\t.zero 8\n%s_id:\n\t.zero 8\n%s_claim:\n\t.zero 8\n", base, base, base)
	fmt.Fprintf(&g.data, "\t.section .rodata\n%s_name:\n\t.asciz \"%s\"\n%s_desc:\n\t.asciz \"%s\"\n",
		base, native.Asciz(v.Sym.Name), base, native.Asciz(v.Sym.Desc))
	miss, have, done := g.label(), g.label(), g.label()
	g.ins("sub rsp, 16") // [rsp] the receiver's class, [rsp+8] the method ID
	g.ldg(rSI, v.Args[0])
	g.jni(jniGetObjectClass)
	g.ins("mov QWORD PTR [rsp], rax")
	g.ins("mov rsi, QWORD PTR [rip+%s_cls]", base)
	g.ins("test rsi, rsi")
	g.ins("jz %s", miss)
	g.ins("mov rdx, rax")
	g.jni(jniIsSameObject)
	g.ins("test al, al")
	g.ins("jz %s", miss)
	g.ins("mov rax, QWORD PTR [rip+%s_id]", base)
	g.ins("jmp %s", have)
	fmt.Fprintf(&g.out, "%s:\n", miss)
	g.ins("mov rsi, QWORD PTR [rsp]")
	g.ins("lea rdx, [rip+%s_name]", base)
	g.ins("lea rcx, [rip+%s_desc]", base)
	g.jni(jniGetMethodID)
	g.ins("test rax, rax")
	g.ins("jz %s", g.pendingLabel()) // the pending exit resets rsp
	g.ins("mov QWORD PTR [rsp+8], rax")
	g.ins("xor eax, eax")
	g.ins("mov ecx, 1")
	g.ins("lock cmpxchg QWORD PTR [rip+%s_claim], rcx", base)
	g.ins("jnz %s", done)
	g.ins("mov rax, QWORD PTR [rsp+8]")
	g.ins("mov QWORD PTR [rip+%s_id], rax", base)
	g.ins("mov rsi, QWORD PTR [rsp]")
	g.jni(jniNewGlobalRef)
	g.ins("mov QWORD PTR [rip+%s_cls], rax", base)
	fmt.Fprintf(&g.out, "%s:\n", done)
	g.ins("mov rax, QWORD PTR [rsp+8]")
	fmt.Fprintf(&g.out, "%s:\n", have)
	g.ins("mov QWORD PTR [rsp+8], rax")
	g.ins("mov rsi, QWORD PTR [rsp]")
	g.jni(jniDeleteLocalRef)
	g.ins("mov rax, QWORD PTR [rsp+8]")
	g.ins("add rsp, 16")
}

package amd64

import "fmt"

// Compiled methods call each other directly, past the JVM and its stack
// banging, so a deep recursion would run off the thread's stack and take
// the JVM down with SIGSEGV. Every prologue instead compares rsp with a
// per-thread limit and throws StackOverflowError below it, as HotSpot does
// for Java frames (JVMS §2.5.2). The limit lies stackMargin (at most half
// the stack) above the low end of the thread's stack (pthread_getattr_np; HotSpot's guard zones sit
// at that end), which leaves the JVM room to make and throw the error; it
// is found once per thread and kept in a thread-local word. The word and
// the routine that fills it are emitted once per assembler file and are
// COMDAT, so a library has one however many classes went into it.

const (
	stackLimitVar  = "dvmlab_stack_limit"
	stackLimitInit = "dvmlab_stack_limit_init"
	stackMargin    = 256 << 10
)

// stackCheck is the prologue's test, after the arguments reached their
// locations (the routine keeps every register but rax).
func (g *gen) stackCheck() {
	check, init := g.label(), g.label()
	fmt.Fprintf(&g.out, "%s:\n", check)
	g.ins("mov rax, QWORD PTR %s@gottpoff[rip]", stackLimitVar)
	g.ins("mov rax, QWORD PTR fs:[rax]")
	g.ins("test rax, rax")
	g.ins("jz %s", init)
	g.ins("cmp rsp, rax")
	g.ins("jb %s", g.throwStub("java/lang/StackOverflowError", ""))
	fmt.Fprintf(&g.cold, "%s:\n\tcall %s\n\tjmp %s\n", init, stackLimitInit, check)
	g.stackRoutine()
}

// stackRoutine emits the COMDAT thread-local limit and the routine that
// sets it from the thread's stack bounds, saving every register it or libc
// may touch (the caller's values live in any of them).
func (g *gen) stackRoutine() {
	d := &g.data
	// Once per assembler file (the methods of a class share one).
	fmt.Fprintf(d, "\t.ifndef %s\n", stackLimitInit)
	fmt.Fprintf(d, "\t.section .tbss.%s,\"awTG\",@nobits,%s,comdat\n\t.p2align 3\n\t.globl %s\n\t.hidden %s\n\t.type %s, @object\n\t.size %s, 8\n%s:\n\t.zero 8\n",
		stackLimitVar, stackLimitVar, stackLimitVar, stackLimitVar, stackLimitVar, stackLimitVar, stackLimitVar)
	fmt.Fprintf(d, "\t.section .text.%s,\"axG\",@progbits,%s,comdat\n\t.globl %s\n\t.hidden %s\n\t.type %s, @function\n%s:\n",
		stackLimitInit, stackLimitInit, stackLimitInit, stackLimitInit, stackLimitInit, stackLimitInit)
	saved := []string{"rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"}
	for _, r := range saved {
		fmt.Fprintf(d, "\tpush %s\n", r)
	}
	// 8 (return address) + 64 pushed + 344 = 416, a multiple of 16: rsp
	// is aligned at the calls. [rsp]: pthread_attr_t (64 bytes), [rsp+64]
	// the stack's address, [rsp+72] its size, [rsp+80…335] xmm0-15.
	fmt.Fprintf(d, "\tsub rsp, 344\n")
	for x := 0; x < 16; x++ {
		fmt.Fprintf(d, "\tmovdqu XMMWORD PTR [rsp+%d], xmm%d\n", 80+16*x, x)
	}
	fmt.Fprintf(d, "\tcall pthread_self@PLT\n\tmov rdi, rax\n\tmov rsi, rsp\n\tcall pthread_getattr_np@PLT\n")
	fmt.Fprintf(d, "\tmov rdi, rsp\n\tlea rsi, [rsp+64]\n\tlea rdx, [rsp+72]\n\tcall pthread_attr_getstack@PLT\n")
	fmt.Fprintf(d, "\tmov rdi, rsp\n\tcall pthread_attr_destroy@PLT\n")
	// The margin, or half the stack if that is less (a small -Xss).
	fmt.Fprintf(d, "\tmov rax, QWORD PTR [rsp+72]\n\tshr rax, 1\n\tmov rcx, %d\n\tcmp rax, rcx\n\tcmova rax, rcx\n\tadd rax, QWORD PTR [rsp+64]\n", stackMargin)
	fmt.Fprintf(d, "\tmov rcx, QWORD PTR %s@gottpoff[rip]\n\tmov QWORD PTR fs:[rcx], rax\n", stackLimitVar)
	for x := 0; x < 16; x++ {
		fmt.Fprintf(d, "\tmovdqu xmm%d, XMMWORD PTR [rsp+%d]\n", x, 80+16*x)
	}
	fmt.Fprintf(d, "\tadd rsp, 344\n")
	for i := len(saved) - 1; i >= 0; i-- {
		fmt.Fprintf(d, "\tpop %s\n", saved[i])
	}
	fmt.Fprintf(d, "\tret\n\t.size %s, .-%s\n\t.endif\n", stackLimitInit, stackLimitInit)
}

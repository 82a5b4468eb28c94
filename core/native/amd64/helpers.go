package amd64

import (
	"fmt"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// classRef leaves in rax a global reference to class (an internal name or
// an array descriptor), obtained once through the class helper the compile
// service adds (native.ClassHelper): resolved, not initialised, as
// checkcast, instanceof and anewarray leave it (JVMS §5.5).
func (g *gen) classRef(class string) {
	key := "noinit " + class
	k, ok := g.fields[key]
	if !ok {
		k = len(g.fields)
		g.fields[key] = k
		fmt.Fprintf(&g.data, "\t.bss\n\t.p2align 3\n.L%s_id%d:\n\t.zero 8\n", g.sym, k)
	}
	slot := fmt.Sprintf("[rip+.L%s_id%d]", g.sym, k)
	have := g.label()
	g.ins("mov rax, QWORD PTR %s", slot)
	g.ins("test rax, rax")
	g.ins("jnz %s", have)
	cls, id := g.lookup(lookStaticMethod, &ir.Sym{Owner: g.f.Class, Name: native.ClassHelper(class), Desc: native.ClassHelperDesc})
	g.ins("mov rsi, QWORD PTR %s", cls)
	g.ins("mov rdx, QWORD PTR %s", id)
	g.ins("xor ecx, ecx")
	g.jni(jniCallStaticMethodA) // CallStaticObjectMethodA
	g.ins("mov QWORD PTR [rbp-%d], rax", frameScratch)
	g.exceptionCheck() // resolution failed: its error is pending
	g.ins("mov rsi, QWORD PTR [rbp-%d]", frameScratch)
	g.jni(jniNewGlobalRef)
	g.ins("mov QWORD PTR %s, rax", slot)
	g.ins("mov rsi, QWORD PTR [rbp-%d]", frameScratch)
	g.jni(jniDeleteLocalRef)
	g.ins("mov rax, QWORD PTR %s", slot)
	fmt.Fprintf(&g.out, "%s:\n", have)
}

// castFailure throws the ClassCastException of a failing checkcast v by
// calling the class's cast helper (native.CastHelper), whose checkcast
// fails the same way with HotSpot's own message, and leaves.
func (g *gen) castFailure(v *ir.Value) {
	g.callHelper(native.CastHelper(v.Sym.Owner), native.CastHelperDesc, v.Args[0])
	g.exceptionCheck()                // the exception the helper threw is pending
	g.ins("jmp %s", g.pendingLabel()) // the exit resets rsp
}

// newObjArray makes anewarray's array through the class's array helper
// (native.ArrayHelper): JNI's NewObjectArray would initialise the element
// class, anewarray does not (JVMS §6.5.anewarray).
func (g *gen) newObjArray(v *ir.Value) {
	g.callHelper(native.ArrayHelper(v.Sym.Owner), native.ArrayHelperDesc, v.Args[0])
	g.ins("add rsp, 16")
	g.ins("mov QWORD PTR [rbp-%d], rax", frameScratch)
	g.exceptionCheck() // OutOfMemoryError
	g.ins("mov rax, QWORD PTR [rbp-%d]", frameScratch)
	g.stg(v, rAX)
}

// objArrayStore is aastore through SetObjectArrayElement (index and null
// already checked). A value of the wrong class makes JNI throw an
// ArrayStoreException with JNI's own message; that one is cleared and the
// store made again by the class's aastore helper (native.StoreHelper),
// whose aastore throws HotSpot's (JVMS §6.5.aastore).
func (g *gen) objArrayStore(v *ir.Value) {
	g.ldg(rSI, v.Args[0])
	g.ldg(rDX, v.Args[1])
	g.ldg(rCX, v.Args[2])
	g.jni(jniSetObjectArrayElement)
	g.jni(jniExceptionCheck)
	ok := g.label()
	g.ins("test al, al")
	g.ins("jz %s", ok)
	g.jni(jniExceptionClear)
	cls, id := g.lookup(lookStaticMethod, &ir.Sym{Owner: g.f.Class, Name: native.StoreHelper, Desc: native.StoreHelperDesc})
	g.ins("sub rsp, 32") // three jvalue arguments, rsp kept 16-byte aligned
	for i, a := range v.Args {
		g.ldg(rAX, a)
		g.ins("mov QWORD PTR [rsp+%d], rax", 8*i)
	}
	g.ins("mov rsi, QWORD PTR %s", cls)
	g.ins("mov rdx, QWORD PTR %s", id)
	g.ins("mov rcx, rsp")
	g.jni(jniCallStaticMethodA + 3*9) // CallStaticVoidMethodA
	g.exceptionCheck()
	g.ins("jmp %s", g.pendingLabel()) // the exit resets rsp
	fmt.Fprintf(&g.out, "%s:\n", ok)
}

// callHelper calls the static helper name:desc that the compile service
// adds to the method's own class, with arg as its one jvalue argument, and
// leaves rsp 16 bytes below where it was (the caller pops it, or its exit
// resets rsp); the result is in rax.
func (g *gen) callHelper(name, desc string, arg *ir.Value) {
	cls, id := g.lookup(lookStaticMethod, &ir.Sym{Owner: g.f.Class, Name: name, Desc: desc})
	g.ins("sub rsp, 16") // the jvalue argument, rsp kept 16-byte aligned
	g.ldg(rAX, arg)
	g.ins("mov QWORD PTR [rsp], rax")
	g.ins("mov rsi, QWORD PTR %s", cls)
	g.ins("mov rdx, QWORD PTR %s", id)
	g.ins("mov rcx, rsp")
	g.jni(jniCallStaticMethodA)
}

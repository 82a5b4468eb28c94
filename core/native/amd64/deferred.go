package amd64

import (
	"fmt"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// Fields whose stores native.PromoteFields deferred live in the frame: a
// home slot each, written by the store, and a dirty bit in one mask word.
// Every way out of the method (return, a check that throws, a pending
// exception) passes through writeBack, which stores the dirty ones into
// the object or class with Set<Type>Field and clears the mask, so Java
// code sees every store made before the method returned or threw. JNI
// allows no Set<Type>Field while an exception is pending (JNI
// specification, chapter 2, "Exceptions"), so writeBack takes a pending
// exception aside (ExceptionOccurred, ExceptionClear), stores, and
// throws it again.
type homeState struct {
	homes                                 map[ir.Sym]*home
	homeOrder                             []*home
	maskSlot, recvSlot, excSlot, todoSlot int
}

type home struct {
	sym    *ir.Sym
	static bool
	slot   int // offset below rbp
	bit    int
}

const (
	jniExceptionOccurred = 15
	jniExceptionClear    = 17
)

func isDeferred(v *ir.Value) bool {
	return (v.Op == ir.OpPutField || v.Op == ir.OpPutStatic) && v.AuxInt == native.Deferred
}

// homeSlots lays out the homes, the mask, the saved receiver and the
// saved exception from frame offset first and returns the slots used.
func (g *gen) homeSlots(first int) int {
	g.homes = map[ir.Sym]*home{}
	for _, b := range g.f.Blocks {
		for _, v := range b.Values {
			if !isDeferred(v) {
				continue
			}
			k := ir.Sym{Owner: v.Sym.Owner, Name: v.Sym.Name, Desc: v.Sym.Desc}
			if g.homes[k] == nil {
				h := &home{sym: v.Sym, static: v.Op == ir.OpPutStatic, slot: first + 8*len(g.homeOrder), bit: len(g.homeOrder)}
				g.homes[k] = h
				g.homeOrder = append(g.homeOrder, h)
			}
		}
	}
	if len(g.homeOrder) == 0 {
		return 0
	}
	n := len(g.homeOrder)
	g.maskSlot, g.recvSlot, g.excSlot, g.todoSlot = first+8*n, first+8*n+8, first+8*n+16, first+8*n+24
	return n + 4
}

func (g *gen) homeOf(v *ir.Value) *home {
	return g.homes[ir.Sym{Owner: v.Sym.Owner, Name: v.Sym.Name, Desc: v.Sym.Desc}]
}

// clearHomes runs in the prologue: no field is dirty yet, and the
// receiver, which writeBack needs after its last use, is kept.
func (g *gen) clearHomes() {
	if len(g.homeOrder) == 0 {
		return
	}
	g.ins("mov QWORD PTR [rbp-%d], 0", g.maskSlot)
	if !g.f.Static {
		for _, v := range g.f.Blocks[0].Values {
			if v.Op == ir.OpParam && v.AuxInt == 0 {
				g.ldg(rAX, v)
				g.ins("mov QWORD PTR [rbp-%d], rax", g.recvSlot)
			}
		}
	}
}

// deferredStore is a deferred putfield or putstatic: the value to its
// home, its bit set.
func (g *gen) deferredStore(v *ir.Value) {
	h := g.homeOf(v)
	x := v.Args[len(v.Args)-1]
	if x.Type.IsFloat() {
		g.ldx(14, x)
		g.ins("movsd QWORD PTR [rbp-%d], xmm14", h.slot)
	} else {
		g.ldg(rAX, x)
		g.ins("mov QWORD PTR [rbp-%d], rax", h.slot)
	}
	g.ins("or DWORD PTR [rbp-%d], %d", g.maskSlot, 1<<h.bit)
}

// writeBack stores the dirty fields (see home). It keeps rax and xmm0,
// the result.
func (g *gen) writeBack() {
	if len(g.homeOrder) == 0 {
		return
	}
	done := g.label()
	g.ins("mov r11, QWORD PTR [rbp-%d]", g.maskSlot)
	g.ins("test r11, r11")
	g.ins("jz %s", done)
	// Cleared first: a field lookup that fails leaves through the pending
	// exit, which comes here again and must find nothing left to do.
	g.ins("mov QWORD PTR [rbp-%d], r11", g.todoSlot)
	g.ins("mov QWORD PTR [rbp-%d], 0", g.maskSlot)
	g.ins("sub rsp, 16")
	g.ins("mov QWORD PTR [rsp], rax")
	g.ins("movsd QWORD PTR [rsp+8], xmm0")
	g.jni(jniExceptionOccurred)
	g.ins("mov QWORD PTR [rbp-%d], rax", g.excSlot)
	clear := g.label()
	g.ins("test rax, rax")
	g.ins("jz %s", clear)
	g.jni(jniExceptionClear)
	fmt.Fprintf(&g.out, "%s:\n", clear)
	for _, h := range g.homeOrder {
		skip := g.label()
		g.ins("test DWORD PTR [rbp-%d], %d", g.todoSlot, 1<<h.bit)
		g.ins("jz %s", skip)
		kind := lookField
		if h.static {
			kind = lookStaticField
		}
		fcls, _ := g.lookup(kind, h.sym)
		g.ins("mov rdx, rax")
		if h.static {
			g.ins("mov rsi, QWORD PTR %s", fcls)
		} else {
			g.ins("mov rsi, QWORD PTR [rbp-%d]", g.recvSlot)
		}
		desc := h.sym.Desc[0]
		if desc == 'F' {
			g.ins("movss xmm0, DWORD PTR [rbp-%d]", h.slot)
		} else if desc == 'D' {
			g.ins("movsd xmm0, QWORD PTR [rbp-%d]", h.slot)
		} else {
			g.ins("mov rcx, QWORD PTR [rbp-%d]", h.slot)
		}
		base := jniSetField
		if h.static {
			base = jniSetStaticField
		}
		g.jni(base + 1 + elemIndex(desc))
		fmt.Fprintf(&g.out, "%s:\n", skip)
	}
	rethrown := g.label()
	g.ins("mov rsi, QWORD PTR [rbp-%d]", g.excSlot)
	g.ins("test rsi, rsi")
	g.ins("jz %s", rethrown)
	g.jni(jniThrow)
	g.ins("mov rsi, QWORD PTR [rbp-%d]", g.excSlot)
	g.jni(jniDeleteLocalRef)
	fmt.Fprintf(&g.out, "%s:\n", rethrown)
	g.ins("mov rax, QWORD PTR [rsp]")
	g.ins("movsd xmm0, QWORD PTR [rsp+8]")
	g.ins("add rsp, 16")
	fmt.Fprintf(&g.out, "%s:\n", done)
}

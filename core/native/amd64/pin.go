package amd64

import (
	"fmt"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// A method whose only dealings with the JVM are reads and writes of the
// primitive arrays it was passed holds them with GetPrimitiveArrayCritical
// for the whole call and reads and writes them in place: legal JNI (JNI
// specification, GetPrimitiveArrayCritical: no other JNI call and no
// blocking until the release; nested pairs allowed), no heap pointer kept
// after the method returns, and no JNI call per element. The lengths are
// read before the first pin, since GetArrayLength may not be called inside
// the critical region, and every exit (return, a failed check before it
// throws, a failed pin) releases what was pinned.
//
// Two names of one array share one pin: under -Xcheck:jni (and with
// collectors that do not pin) GetPrimitiveArrayCritical hands out a copy,
// and two copies of one array would not see each other's stores. The
// handles are compared with IsSameObject before the first pin (it may not
// be called inside the region); the second name takes the first's address
// and a null handle, so it is released once.
type pin struct {
	param                *ir.Value
	elem                 byte // the element's descriptor, 0 when only the length is read
	handle, length, addr int  // frame offsets below rbp; the alias mark is the high half of the length slot
}

// elemOf is the element type f reads or writes array a with, 0 if none.
func elemOf(f *ir.Func, a *ir.Value) byte {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if (v.Op == ir.OpArrayLoad || v.Op == ir.OpArrayStore) && v.Args[0] == a {
				return byte(v.AuxInt)
			}
		}
	}
	return 0
}

// mayAlias reports whether two pinned arrays may be one: not when their
// element types differ.
func mayAlias(p, q *pin) bool { return p.elem == 0 || q.elem == 0 || p.elem == q.elem }

// pinnable returns the arrays to pin, or nil when f does anything else
// that needs the JVM: the arrays are parameters, or fields read once in the
// entry block (see HoistFieldReads), which is also the only place a field
// may be read; they are pinned at the end of that block.
func pinnable(f *ir.Func) []*ir.Value {
	var params []*ir.Value
	seen := map[*ir.Value]bool{}
	entry := f.Blocks[0]
	for _, b := range f.Blocks {
		if b.Kind == ir.Throw {
			return nil
		}
		for _, v := range b.Values {
			switch v.Op {
			case ir.OpArrayLen, ir.OpArrayLoad, ir.OpArrayStore:
				a := v.Args[0]
				fromEntry := (a.Op == ir.OpGetField || a.Op == ir.OpGetStatic) && a.Block == entry
				if a.Op != ir.OpParam && !fromEntry || a.Type != ir.Array {
					return nil
				}
				if !seen[a] {
					seen[a] = true
					params = append(params, a)
				}
			case ir.OpGetField, ir.OpGetStatic:
				if b != entry {
					return nil
				}
			case ir.OpPutField, ir.OpPutStatic:
				if !isDeferred(v) {
					return nil
				}
			case ir.OpInvoke:
				if !native.Intrinsic(v) {
					return nil
				}
			case ir.OpCall, ir.OpNew, ir.OpNewArray, ir.OpNewObjArray, ir.OpObjArrayLoad, ir.OpObjArrayStore,
				ir.OpCheckCast, ir.OpInstanceOf, ir.OpString:
				return nil
			}
		}
	}
	return params
}

// pinSlots lays the pins out in the frame from offset first, after the
// homes of deferred fields (deferred.go), which it counts as spill slots.
func (g *gen) pinSlots(params []*ir.Value, first int) {
	n := g.homeSlots(first)
	g.a.slots += n
	first += 8 * n
	g.pins = map[*ir.Value]*pin{}
	for _, p := range params {
		pn := &pin{param: p, elem: elemOf(g.f, p), handle: first, length: first + 8, addr: first + 16}
		first += 24
		g.pins[p] = pn
		g.pinOrder = append(g.pinOrder, pn)
	}
}

// clearPins marks every array unpinned, before anything can leave the
// method.
func (g *gen) clearPins() {
	for _, pn := range g.pinOrder {
		g.ins("mov QWORD PTR [rbp-%d], 0", pn.addr)
	}
	g.clearHomes()
}

// pinAll reads the lengths, then pins every non-null array.
func (g *gen) pinAll() { g.pinSet(g.pinOrder, nil) }

// pinSet pins the arrays of pins that are not null, after reading the
// lengths of those length names (all when nil): GetArrayLength may not be
// called inside the critical region.
func (g *gen) pinSet(pins []*pin, length map[*ir.Value]bool) {
	for _, pn := range pins {
		g.ldg(rAX, pn.param)
		g.ins("mov QWORD PTR [rbp-%d], rax", pn.handle)
	}
	for _, pn := range pins {
		if length != nil && !length[pn.param] {
			continue
		}
		skip := g.label()
		g.ins("mov rsi, QWORD PTR [rbp-%d]", pn.handle)
		g.ins("test rsi, rsi")
		g.ins("jz %s", skip)
		g.jni(jniGetArrayLength)
		g.ins("mov DWORD PTR [rbp-%d], eax", pn.length)
		fmt.Fprintf(&g.out, "%s:\n", skip)
	}
	for j, pn := range pins {
		g.ins("mov DWORD PTR [rbp-%d], 0", pn.length-4)
		for i, q := range pins[:j] {
			if !mayAlias(q, pn) {
				continue
			}
			skip := g.label()
			g.ins("cmp DWORD PTR [rbp-%d], 0", pn.length-4)
			g.ins("jne %s", skip)
			g.ins("mov rsi, QWORD PTR [rbp-%d]", q.handle)
			g.ins("mov rdx, QWORD PTR [rbp-%d]", pn.handle)
			g.jni(jniIsSameObject)
			g.ins("test al, al")
			g.ins("jz %s", skip)
			g.ins("mov DWORD PTR [rbp-%d], %d", pn.length-4, i+1)
			fmt.Fprintf(&g.out, "%s:\n", skip)
		}
	}
	for j, pn := range pins {
		skip := g.label()
		for i, q := range pins[:j] {
			if !mayAlias(q, pn) {
				continue
			}
			other := g.label()
			g.ins("cmp DWORD PTR [rbp-%d], %d", pn.length-4, i+1)
			g.ins("jne %s", other)
			g.ins("mov rax, QWORD PTR [rbp-%d]", q.addr)
			g.ins("mov QWORD PTR [rbp-%d], rax", pn.addr)
			g.ins("mov QWORD PTR [rbp-%d], 0", pn.handle)
			g.ins("jmp %s", skip)
			fmt.Fprintf(&g.out, "%s:\n", other)
		}
		g.ins("mov rsi, QWORD PTR [rbp-%d]", pn.handle)
		g.ins("test rsi, rsi")
		g.ins("jz %s", skip)
		g.ins("xor edx, edx")
		g.jni(jniGetPrimitiveArrayCritical)
		g.ins("test rax, rax")
		g.ins("jz %s", g.pendingLabel())
		g.ins("mov QWORD PTR [rbp-%d], rax", pn.addr)
		fmt.Fprintf(&g.out, "%s:\n", skip)
	}
}

// releaseAll releases every pinned array (mode 0: HotSpot pins rather
// than copies, and 0 would copy back a copy) and forgets it, so that a
// second release on the way out does nothing; then, outside the critical
// region, it writes the deferred fields back. It keeps rax and xmm0.
func (g *gen) releaseAll() {
	g.releasePins()
	g.writeBack()
}

func (g *gen) releasePins() {
	if len(g.pinOrder) == 0 {
		return
	}
	g.ins("sub rsp, 16")
	g.ins("mov QWORD PTR [rsp], rax")
	g.ins("movsd QWORD PTR [rsp+8], xmm0")
	for _, pn := range g.pinOrder {
		skip := g.label()
		g.ins("mov rdx, QWORD PTR [rbp-%d]", pn.addr)
		g.ins("test rdx, rdx")
		g.ins("jz %s", skip)
		g.ins("mov QWORD PTR [rbp-%d], 0", pn.addr)
		g.ins("mov rsi, QWORD PTR [rbp-%d]", pn.handle)
		g.ins("test rsi, rsi")
		g.ins("jz %s", skip) // another name's pin
		g.ins("xor ecx, ecx")
		g.jni(jniReleasePrimitiveArrayCritical)
		fmt.Fprintf(&g.out, "%s:\n", skip)
	}
	g.ins("mov rax, QWORD PTR [rsp]")
	g.ins("movsd xmm0, QWORD PTR [rsp+8]")
	g.ins("add rsp, 16")
}

var scale = map[byte]int{'Z': 1, 'B': 1, 'C': 2, 'S': 2, 'I': 4, 'J': 8, 'F': 4, 'D': 8}

// pinnedAccess reads or writes an element of a pinned array in place.
func (g *gen) pinnedAccess(v *ir.Value, pn *pin) {
	e := byte(v.AuxInt)
	at := fmt.Sprintf("[rax+rdx*%d]", scale[e])
	g.ldg(rDX, v.Args[1]) // a checked index: 0 <= i, so the 32-bit move's zero extension is right
	if v.Op == ir.OpArrayStore {
		x := v.Args[2]
		if x.Type.IsFloat() {
			g.ldx(14, x)
		} else {
			g.ldg(rCX, x)
		}
		g.ins("mov rax, QWORD PTR [rbp-%d]", pn.addr)
		switch e {
		case 'Z', 'B':
			g.ins("mov BYTE PTR %s, cl", at)
		case 'C', 'S':
			g.ins("mov WORD PTR %s, cx", at)
		case 'I':
			g.ins("mov DWORD PTR %s, ecx", at)
		case 'J':
			g.ins("mov QWORD PTR %s, rcx", at)
		case 'F':
			g.ins("movss DWORD PTR %s, xmm14", at)
		case 'D':
			g.ins("movsd QWORD PTR %s, xmm14", at)
		}
		return
	}
	g.ins("mov rax, QWORD PTR [rbp-%d]", pn.addr)
	g.loadAt(v, e)
}

// loadAt reads element rdx of element type e at address rax into v.
func (g *gen) loadAt(v *ir.Value, e byte) {
	at := fmt.Sprintf("[rax+rdx*%d]", scale[e])
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

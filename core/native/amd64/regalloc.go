package amd64

import (
	"sort"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// Registers. The allocator hands out only registers that no instruction
// sequence uses as scratch and no call passes arguments in, so setting up a
// call never overwrites an operand: rbx, r12, r13, r14 (callee-saved, may
// live across calls), r10 (caller-saved), xmm8…xmm13 (caller-saved). rax,
// rcx, rdx, r11, the argument registers and xmm14/xmm15 are scratch; r15
// holds the JNIEnv pointer for the whole function.
const (
	rAX = iota
	rCX
	rDX
	rBX
	rSP
	rBP
	rSI
	rDI
	r8
	r9
	r10
	r11
	r12
	r13
	r14
	r15
)

var gpr64 = [...]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}
var gpr32 = [...]string{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"}

var (
	calleeSaved = []int{rBX, r12, r13, r14}
	callerGPR   = []int{r10}
	xmmAlloc    = []int{8, 9, 10, 11, 12, 13}
)

// loc is where a value lives for its whole life: a register or a frame slot.
type loc struct {
	reg  int // GPR or XMM number, -1 when in a slot
	slot int // offset below rbp when reg < 0
}

// alloc is the result of register allocation.
type alloc struct {
	locs   map[*ir.Value]loc
	slots  int // spill slots used
	pos    map[*ir.Value]int
	bstart map[*ir.Block]int
	bend   map[*ir.Block]int
}

// isCall reports whether v's code calls out (a JNI function, fmod, or a
// compiled method), so caller-saved registers do not survive it.
func isCall(v *ir.Value) bool {
	if isDeferred(v) {
		return false // a store to the frame (deferred.go)
	}
	if native.Intrinsic(v) {
		return intrinsicCalls(v)
	}
	switch v.Op {
	case ir.OpArrayLen, ir.OpArrayLoad, ir.OpArrayStore, ir.OpNewArray,
		ir.OpGetStatic, ir.OpPutStatic, ir.OpGetField, ir.OpPutField, ir.OpCall,
		ir.OpNew, ir.OpInvoke, ir.OpObjArrayLoad, ir.OpObjArrayStore, ir.OpNewObjArray,
		ir.OpCheckCast, ir.OpInstanceOf, ir.OpString:
		return true
	case ir.OpRem:
		return v.Type.IsFloat()
	}
	return false
}

// readsAfterCall reports whether v's code may call out before it reads its
// operands: a field access looks its field ID up on first use.
func readsAfterCall(v *ir.Value) bool {
	switch v.Op {
	case ir.OpGetStatic, ir.OpPutStatic, ir.OpGetField, ir.OpPutField, ir.OpInvoke, ir.OpNewObjArray,
		ir.OpCheckCast, ir.OpInstanceOf:
		return true
	}
	return false
}

// needsLoc reports whether v gets a location: constants are rematerialised
// at each use and void instructions define nothing.
func needsLoc(v *ir.Value) bool { return v.Type != ir.Void && v.Op != ir.OpConst }

// interval is a value's live range in linear positions, without holes.
type interval struct {
	v          *ir.Value
	start, end int
	call       bool // a call lies strictly inside
}

// allocate numbers the function's values in block order, computes live
// ranges by data flow over the blocks, and assigns locations by linear scan
// (Poletto and Sarkar, "Linear Scan Register Allocation", TOPLAS 1999): an
// interval that must be spilled keeps its slot for its whole life.
// edgeCalls are the blocks that call out at their start or at their end,
// before the phi moves: the pins and releases of stretches (stretch.go).
// uses are operands read by a value's code beyond its own (the length a
// buffered read fills its buffer with, buffer.go), in the value's block.
type edgeCalls struct {
	start, end map[*ir.Block]bool
	uses       map[*ir.Value][]*ir.Value
}

func allocate(f *ir.Func, firstSlot int, isCall func(*ir.Value) bool, prologueCalls bool, callsAfter map[*ir.Value][]*ir.Value, edges edgeCalls) *alloc {
	a := &alloc{locs: map[*ir.Value]loc{}, pos: map[*ir.Value]int{}, bstart: map[*ir.Block]int{}, bend: map[*ir.Block]int{}}
	p := 0
	var calls, late []int
	for _, b := range f.Blocks {
		a.bstart[b] = p
		if edges.start[b] {
			calls = append(calls, p+1)
		}
		p += 2
		for _, v := range b.Values {
			if v.Op == ir.OpPhi {
				a.pos[v] = a.bstart[b]
				continue
			}
			a.pos[v] = p
			if isCall(v) {
				calls = append(calls, p)
				if readsAfterCall(v) {
					late = append(late, p)
				}
			}
			if len(callsAfter[v]) > 0 {
				calls = append(calls, p+1)
			}
			p += 2
		}
		a.bend[b] = p
		if edges.end[b] {
			calls = append(calls, p-1)
		}
		if sameObjectCall(b) || prologueCalls && b == f.Blocks[0] {
			calls = append(calls, p)
		}
		p += 2
	}
	// Liveness: live-in and live-out sets per block, by iteration.
	liveIn := map[*ir.Block]map[*ir.Value]bool{}
	liveOut := map[*ir.Block]map[*ir.Value]bool{}
	for _, b := range f.Blocks {
		liveIn[b], liveOut[b] = map[*ir.Value]bool{}, map[*ir.Value]bool{}
	}
	for changed := true; changed; {
		changed = false
		for i := len(f.Blocks) - 1; i >= 0; i-- {
			b := f.Blocks[i]
			out := liveOut[b]
			for _, s := range b.Succs {
				k := predIndex(s, b)
				for v := range liveIn[s] {
					if v.Op == ir.OpPhi && v.Block == s {
						continue
					}
					if !out[v] {
						out[v], changed = true, true
					}
				}
				for _, v := range s.Values {
					if v.Op != ir.OpPhi {
						break
					}
					if x := v.Args[k]; needsLoc(x) && !out[x] {
						out[x], changed = true, true
					}
				}
			}
			in := map[*ir.Value]bool{}
			for v := range out {
				in[v] = true
			}
			for _, c := range b.Controls {
				if needsLoc(c) {
					in[c] = true
				}
			}
			for j := len(b.Values) - 1; j >= 0; j-- {
				v := b.Values[j]
				delete(in, v)
				if v.Op == ir.OpPhi {
					in[v] = true // defined at the block's start: live in, for the rule above
					continue
				}
				for _, x := range v.Args {
					if needsLoc(x) {
						in[x] = true
					}
				}
			}
			if len(in) != len(liveIn[b]) {
				changed = true
			}
			liveIn[b] = in
		}
	}
	ivs := map[*ir.Value]*interval{}
	extend := func(v *ir.Value, at int) {
		if !needsLoc(v) {
			return
		}
		iv := ivs[v]
		if iv == nil {
			iv = &interval{v: v, start: at, end: at}
			ivs[v] = iv
		}
		if at < iv.start {
			iv.start = at
		}
		if at > iv.end {
			iv.end = at
		}
	}
	for _, b := range f.Blocks {
		for v := range liveIn[b] {
			extend(v, a.bstart[b])
		}
		for v := range liveOut[b] {
			extend(v, a.bend[b])
		}
		for _, v := range b.Values {
			extend(v, a.pos[v])
			if v.Op == ir.OpPhi {
				for k, x := range v.Args {
					extend(x, a.bend[b.Preds[k]])
				}
				continue
			}
			for _, x := range v.Args {
				extend(x, a.pos[v])
			}
			for _, x := range edges.uses[v] {
				extend(x, a.pos[v])
			}
		}
		for _, c := range b.Controls {
			extend(c, a.bend[b])
		}
	}
	// A reference deleted after its last use must outlive that use, which
	// may itself call out.
	for u, rs := range callsAfter {
		for _, r := range rs {
			extend(r, a.pos[u]+1)
		}
	}
	list := make([]*interval, 0, len(ivs))
	for _, iv := range ivs {
		k := sort.SearchInts(calls, iv.start+1)
		iv.call = k < len(calls) && calls[k] < iv.end
		if k := sort.SearchInts(late, iv.start+1); k < len(late) && late[k] <= iv.end {
			iv.call = true
		}
		list = append(list, iv)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].start != list[j].start {
			return list[i].start < list[j].start
		}
		return list[i].v.ID < list[j].v.ID
	})
	slot := firstSlot
	spill := func(v *ir.Value) {
		a.locs[v] = loc{reg: -1, slot: slot}
		slot += 8
		a.slots++
	}
	var active []*interval
	busy := map[[2]int]*interval{} // {class, reg} -> interval
	for _, iv := range list {
		keep := active[:0]
		for _, o := range active {
			if o.end < iv.start {
				delete(busy, key(o.v, a.locs[o.v].reg))
				continue
			}
			keep = append(keep, o)
		}
		active = keep
		var pool []int
		if iv.v.Type.IsFloat() {
			if !iv.call {
				pool = xmmAlloc
			}
		} else {
			pool = calleeSaved
			if !iv.call {
				pool = append(append([]int(nil), callerGPR...), calleeSaved...)
			}
		}
		assigned := false
		for _, r := range pool {
			if busy[key(iv.v, r)] == nil {
				a.locs[iv.v] = loc{reg: r}
				busy[key(iv.v, r)] = iv
				active = append(active, iv)
				assigned = true
				break
			}
		}
		if assigned {
			continue
		}
		// Spill the interval that ends last, this one or an active one
		// holding a register this one may use.
		var victim *interval
		for _, r := range pool {
			if o := busy[key(iv.v, r)]; o != nil && (victim == nil || o.end > victim.end) {
				victim = o
			}
		}
		if victim != nil && victim.end > iv.end {
			r := a.locs[victim.v].reg
			spill(victim.v)
			a.locs[iv.v] = loc{reg: r}
			busy[key(iv.v, r)] = iv
			for k, o := range active {
				if o == victim {
					active[k] = iv
				}
			}
			continue
		}
		spill(iv.v)
	}
	return a
}

func key(v *ir.Value, r int) [2]int {
	if v.Type.IsFloat() {
		return [2]int{1, r}
	}
	return [2]int{0, r}
}

func predIndex(s, b *ir.Block) int {
	for k, p := range s.Preds {
		if p == b {
			return k
		}
	}
	return -1
}

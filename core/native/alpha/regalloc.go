package alpha

import (
	"sort"

	"dvmlab/core/native/ir"
)

// Register allocation is linear scan (Poletto and Sarkar, "Linear Scan
// Register Allocation", TOPLAS 1999) over the SSA values in block order: each
// value gets one interval from its first to its last point of life, widened
// over every block it is live across (so loops hold their values), and keeps
// one location, a register or a stack slot, for all of it. Phis are resolved
// by parallel moves at the end of each predecessor. Constants get no
// location: they are rematerialized where used, often as an instruction's
// 8-bit literal.
//
// Registers are split into the pool and the scratch set the instruction
// selector uses between two points of the program (spilled operands, address
// arithmetic, the ev4 byte sequences, the division routine's operands):
//
//	int scratch:   $22 $23 $24 $25 $27 $28
//	float scratch: $f27 $f28 $f29 $f30
//
// A value live across a call (another compiled method, dvm_newarray, fmod)
// must sit in a callee-saved register ($9-$15, $f2-$f9) or on the stack.

type locKind uint8

const (
	locNone  locKind = iota
	locReg           // integer register
	locFReg          // floating-point register
	locStack         // 8-byte spill slot, offset from $30
)

type loc struct {
	kind locKind
	n    int // register number or frame offset
	// single marks a stack argument slot holding a float: the calling
	// convention (and gcc, which builds the harness) keeps it in S_floating
	// memory format, written by sts and read by lds, where a spill slot
	// holds the register format by stt and ldt.
	single bool
}

var (
	intCallerSaved   = []int{1, 2, 3, 4, 5, 6, 7, 8, 0, 16, 17, 18, 19, 20, 21}
	intCalleeSaved   = []int{9, 10, 11, 12, 13, 14, 15}
	floatCallerSaved = []int{10, 11, 12, 13, 14, 15, 22, 23, 24, 25, 26, 0, 1, 16, 17, 18, 19, 20, 21}
	floatCalleeSaved = []int{2, 3, 4, 5, 6, 7, 8, 9}
)

type interval struct {
	v          *ir.Value
	start, end int
	crossCall  bool
	float      bool
	loc        loc
}

// allocation is the result: a location for every value that needs one, the
// callee-saved registers used, and how many spill slots.
type allocation struct {
	locs       []loc // by value ID
	usedSaved  []int // callee-saved integer registers in use
	usedFSaved []int // callee-saved float registers in use
	slots      int
	pos        []int // by value ID: its position
	blockStart []int // by block ID
	blockEnd   []int
}

// isCall says whether lowering v calls out (and so clobbers every
// caller-saved register).
func isCall(v *ir.Value) bool {
	switch v.Op {
	case ir.OpCall, ir.OpNewArray, ir.OpNewObjArray, ir.OpNew, ir.OpInvoke:
		return true
	case ir.OpRem:
		return v.Type.IsFloat()
	}
	return false
}

// needsLoc says whether v gets a register or slot.
func needsLoc(v *ir.Value) bool { return v.Type != ir.Void && v.Op != ir.OpConst }

func allocate(f *ir.Func) *allocation {
	n := f.NumValues()
	a := &allocation{locs: make([]loc, n), pos: make([]int, n),
		blockStart: make([]int, f.NumBlocks()), blockEnd: make([]int, f.NumBlocks())}
	// Positions: even numbers, a block's start, each value, its end.
	p := 0
	var calls []int
	for _, b := range f.Blocks {
		a.blockStart[b.ID] = p
		p += 2
		for _, v := range b.Values {
			a.pos[v.ID] = p
			if isCall(v) {
				calls = append(calls, p)
			}
			p += 2
		}
		a.blockEnd[b.ID] = p
		p += 2
	}

	// Liveness (live-out per block) by the usual backward data flow, phis
	// counting as defined at their block's start and used at the end of the
	// predecessor they come from.
	liveIn := make([]map[int]bool, f.NumBlocks())
	liveOut := make([]map[int]bool, f.NumBlocks())
	for _, b := range f.Blocks {
		liveIn[b.ID], liveOut[b.ID] = map[int]bool{}, map[int]bool{}
	}
	for changed := true; changed; {
		changed = false
		for i := len(f.Blocks) - 1; i >= 0; i-- {
			b := f.Blocks[i]
			out := liveOut[b.ID]
			for _, s := range b.Succs {
				for id := range liveIn[s.ID] {
					if !out[id] {
						out[id], changed = true, true
					}
				}
				k := predIndex(s, b)
				for _, v := range s.Values {
					if v.Op != ir.OpPhi {
						break
					}
					if x := v.Args[k]; needsLoc(x) && !out[x.ID] {
						out[x.ID], changed = true, true
					}
				}
			}
			live := map[int]bool{}
			for id := range out {
				live[id] = true
			}
			for _, c := range b.Controls {
				if needsLoc(c) {
					live[c.ID] = true
				}
			}
			for j := len(b.Values) - 1; j >= 0; j-- {
				v := b.Values[j]
				delete(live, v.ID)
				if v.Op == ir.OpPhi {
					continue
				}
				for _, x := range v.Args {
					if needsLoc(x) {
						live[x.ID] = true
					}
				}
			}
			for id := range live {
				if !liveIn[b.ID][id] {
					liveIn[b.ID][id], changed = true, true
				}
			}
		}
	}

	byID := make([]*ir.Value, n)
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			byID[v.ID] = v
		}
	}

	// Intervals.
	ivs := make([]*interval, n)
	widen := func(v *ir.Value, at int) {
		iv := ivs[v.ID]
		if iv == nil {
			iv = &interval{v: v, start: at, end: at, float: v.Type.IsFloat()}
			ivs[v.ID] = iv
		}
		if at < iv.start {
			iv.start = at
		}
		if at > iv.end {
			iv.end = at
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if needsLoc(v) {
				widen(v, a.pos[v.ID])
				if v.Op == ir.OpParam {
					widen(v, 0) // moved from the argument registers on entry
				}
				if v.Op == ir.OpPhi {
					widen(v, a.blockStart[b.ID])
					for _, pr := range b.Preds {
						widen(v, a.blockEnd[pr.ID])
					}
				}
			}
			if v.Op == ir.OpPhi {
				for k, x := range v.Args {
					if needsLoc(x) {
						widen(x, a.blockEnd[b.Preds[k].ID])
					}
				}
				continue
			}
			for _, x := range v.Args {
				if needsLoc(x) {
					widen(x, a.pos[v.ID])
				}
			}
		}
		for _, c := range b.Controls {
			if needsLoc(c) {
				widen(c, a.blockEnd[b.ID])
			}
		}
		for id := range liveIn[b.ID] {
			widen(byID[id], a.blockStart[b.ID])
		}
		for id := range liveOut[b.ID] {
			widen(byID[id], a.blockEnd[b.ID])
		}
	}
	var list []*interval
	for _, iv := range ivs {
		if iv == nil {
			continue
		}
		for _, c := range calls {
			if iv.start < c && c < iv.end {
				iv.crossCall = true
				break
			}
		}
		list = append(list, iv)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].start != list[j].start {
			return list[i].start < list[j].start
		}
		return list[i].v.ID < list[j].v.ID
	})

	// The scan. An interval expires only when it ended strictly before the
	// new one starts, so an instruction's result never shares a register
	// with one of its operands and a sequence may write its result early.
	var active []*interval
	used := map[int]bool{}  // integer registers in use
	fused := map[int]bool{} // float registers in use
	savedSeen, fsavedSeen := map[int]bool{}, map[int]bool{}
	spill := func(iv *interval) {
		iv.loc = loc{kind: locStack, n: a.slots}
		a.slots++
	}
	for _, cur := range list {
		keep := active[:0]
		for _, o := range active {
			if o.end < cur.start {
				if o.float {
					delete(fused, o.loc.n)
				} else {
					delete(used, o.loc.n)
				}
				continue
			}
			keep = append(keep, o)
		}
		active = keep
		inUse := used
		pools := [][]int{intCallerSaved, intCalleeSaved}
		kind := locReg
		if cur.float {
			inUse, pools, kind = fused, [][]int{floatCallerSaved, floatCalleeSaved}, locFReg
		}
		if cur.crossCall {
			pools = pools[1:]
		}
		got := -1
		for _, pool := range pools {
			for _, r := range pool {
				if !inUse[r] {
					got = r
					break
				}
			}
			if got >= 0 {
				break
			}
		}
		if got < 0 {
			// Spill the active interval that lives longest, if it lives
			// longer than this one and holds a register this one may use.
			var victim *interval
			for _, o := range active {
				if o.float != cur.float || o.loc.kind == locStack || (cur.crossCall && !isCalleeSaved(o.loc.n, cur.float)) {
					continue
				}
				if victim == nil || o.end > victim.end {
					victim = o
				}
			}
			if victim == nil || victim.end <= cur.end {
				spill(cur)
				continue
			}
			got = victim.loc.n
			spill(victim)
			keep := active[:0]
			for _, o := range active {
				if o != victim {
					keep = append(keep, o)
				}
			}
			active = keep
		}
		cur.loc = loc{kind: kind, n: got}
		inUse[got] = true
		active = append(active, cur)
		if isCalleeSaved(got, cur.float) {
			if cur.float {
				fsavedSeen[got] = true
			} else {
				savedSeen[got] = true
			}
		}
	}
	for _, iv := range list {
		a.locs[iv.v.ID] = iv.loc
	}
	for r := range savedSeen {
		a.usedSaved = append(a.usedSaved, r)
	}
	for r := range fsavedSeen {
		a.usedFSaved = append(a.usedFSaved, r)
	}
	sort.Ints(a.usedSaved)
	sort.Ints(a.usedFSaved)
	return a
}

func isCalleeSaved(r int, float bool) bool {
	if float {
		return r >= 2 && r <= 9
	}
	return r >= 9 && r <= 15
}

func predIndex(s, p *ir.Block) int {
	for k, x := range s.Preds {
		if x == p {
			return k
		}
	}
	return -1
}

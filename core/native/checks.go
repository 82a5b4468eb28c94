package native

import "dvmlab/core/native/ir"

// Dominators computes each reachable block's immediate dominator (the
// entry's is itself) by Cooper, Harvey and Kennedy's iterative algorithm
// ("A Simple, Fast Dominance Algorithm", 2001). f.Blocks must be in reverse
// post-order, as every pass leaves them.
func Dominators(f *ir.Func) map[*ir.Block]*ir.Block {
	order := map[*ir.Block]int{}
	for i, b := range f.Blocks {
		order[b] = i
	}
	idom := map[*ir.Block]*ir.Block{f.Blocks[0]: f.Blocks[0]}
	intersect := func(a, b *ir.Block) *ir.Block {
		for a != b {
			for order[a] > order[b] {
				a = idom[a]
			}
			for order[b] > order[a] {
				b = idom[b]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for _, b := range f.Blocks[1:] {
			var d *ir.Block
			for _, p := range b.Preds {
				if idom[p] == nil {
					continue
				}
				if d == nil {
					d = p
				} else {
					d = intersect(p, d)
				}
			}
			if d != nil && idom[b] != d {
				idom[b] = d
				changed = true
			}
		}
	}
	return idom
}

// Dominates reports whether a dominates b in the tree idom (Dominators).
func Dominates(idom map[*ir.Block]*ir.Block, a, b *ir.Block) bool {
	for {
		if a == b {
			return true
		}
		p := idom[b]
		if p == nil || p == b {
			return false
		}
		b = p
	}
}

// CheckElim removes null checks and array lengths that a dominating one
// already did (an array's length never changes, JLS §10.7), and null checks
// of arrays the method just allocated.
func CheckElim(f *ir.Func) {
	idom := Dominators(f)
	children := map[*ir.Block][]*ir.Block{}
	for _, b := range f.Blocks[1:] {
		if d := idom[b]; d != nil {
			children[d] = append(children[d], b)
		}
	}
	repl := map[*ir.Value]*ir.Value{}
	nonNull := map[*ir.Value]bool{}
	length := map[*ir.Value]*ir.Value{}
	if !f.Static {
		for _, v := range f.Blocks[0].Values {
			if v.Op == ir.OpParam && v.AuxInt == 0 {
				nonNull[v] = true // the receiver (JVMS §6.5.invokevirtual checks it)
			}
		}
	}
	var walk func(b *ir.Block)
	walk = func(b *ir.Block) {
		var addedNN, addedLen []*ir.Value
		keep := b.Values[:0]
		for _, v := range b.Values {
			useReplaced(v, repl)
			switch v.Op {
			case ir.OpNullCheck:
				if nonNull[v.Args[0]] {
					continue
				}
				nonNull[v.Args[0]] = true
				addedNN = append(addedNN, v.Args[0])
			case ir.OpNewArray:
				nonNull[v] = true
				addedNN = append(addedNN, v)
			case ir.OpArrayLen:
				if a := v.Args[0]; a.Op == ir.OpNewArray {
					repl[v] = a.Args[0] // the checked size it was made with
					continue
				}
				if l, ok := length[v.Args[0]]; ok {
					repl[v] = l
					continue
				}
				length[v.Args[0]] = v
				addedLen = append(addedLen, v.Args[0])
			}
			keep = append(keep, v)
		}
		b.Values = keep
		for i, c := range b.Controls {
			if r, ok := repl[c]; ok {
				b.Controls[i] = r
			}
		}
		for _, c := range children[b] {
			walk(c)
		}
		for _, a := range addedNN {
			delete(nonNull, a)
		}
		for _, a := range addedLen {
			delete(length, a)
		}
	}
	walk(f.Blocks[0])
	// Phis (and blocks visited before a replaced value's block) may still
	// name removed values.
	replaceUses(f, repl)
}

// BoundsCheckElim removes the bounds checks a counted loop makes
// redundant: in `for (i = c; i < n; i++) … a[i] …` with c a constant ≥ 0
// and n the very length the check compares with, the loop's own test shows
// 0 <= i < n wherever it dominates, and i never overflows because it stops
// below n (JLS §15.15.1 makes i++ wrap, but not before n <= MAX_VALUE).
func BoundsCheckElim(f *ir.Func) {
	idom := Dominators(f)
	for _, h := range f.Blocks {
		if h.Kind != ir.If {
			continue
		}
		x, y, cond := h.Controls[0], h.Controls[1], h.Cond
		if y.Op == ir.OpPhi && y.Block == h {
			x, y, cond = y, x, cond.Swap()
		}
		if x.Op != ir.OpPhi || x.Block != h || x.Type != ir.Int {
			continue
		}
		var body *ir.Block
		switch cond {
		case ir.Ge: // leave when i >= n
			body = h.Succs[1]
		case ir.Lt: // stay while i < n
			body = h.Succs[0]
		default:
			continue
		}
		if !countsUpFromNonNegative(idom, h, x) || len(body.Preds) != 1 {
			continue
		}
		i, n := x, y
		for _, b := range f.Blocks {
			if !Dominates(idom, body, b) {
				continue
			}
			keep := b.Values[:0]
			for _, v := range b.Values {
				if v.Op == ir.OpBoundsCheck && v.Args[0] == i && v.Args[1] == n {
					continue
				}
				keep = append(keep, v)
			}
			b.Values = keep
		}
	}
}

// countsUpFromNonNegative reports whether phi i of loop header h starts at
// constants >= 0 on edges from outside the loop and steps by exactly +1 on
// every back edge (an edge from a block h dominates).
func countsUpFromNonNegative(idom map[*ir.Block]*ir.Block, h *ir.Block, i *ir.Value) bool {
	back := 0
	for k, p := range h.Preds {
		a := i.Args[k]
		if Dominates(idom, h, p) {
			back++
			if a.Op != ir.OpAdd || len(a.Args) != 2 {
				return false
			}
			s, c := a.Args[0], a.Args[1]
			if c == i {
				s, c = c, s
			}
			if s != i || !c.IsConst() || int32(c.AuxInt) != 1 {
				return false
			}
			continue
		}
		if !a.IsConst() || int32(a.AuxInt) < 0 {
			return false
		}
	}
	return back > 0
}

// HoistHeaderChecks moves null checks and array lengths at the top of a
// loop header, on values defined before the loop, to the end of the loop's
// single entering block: the header runs whenever that block has run, and
// nothing with an effect comes between, so the checks throw exactly when
// they did, once instead of every iteration.
func HoistHeaderChecks(f *ir.Func) {
	idom := Dominators(f)
	for _, h := range f.Blocks {
		var pre *ir.Block
		loop := false
		for _, p := range h.Preds {
			if Dominates(idom, h, p) {
				loop = true
			} else if pre == nil {
				pre = p
			} else {
				pre = nil
				break
			}
		}
		if !loop || pre == nil || pre.Kind != ir.Plain {
			continue
		}
		i := 0
		for i < len(h.Values) && h.Values[i].Op == ir.OpPhi {
			i++
		}
		for i < len(h.Values) {
			v := h.Values[i]
			if v.Op != ir.OpNullCheck && v.Op != ir.OpArrayLen {
				break
			}
			a := v.Args[0]
			if a.Block == h || !Dominates(idom, a.Block, pre) {
				break
			}
			h.Values = append(h.Values[:i], h.Values[i+1:]...)
			v.Block = pre
			pre.Values = append(pre.Values, v)
		}
	}
}

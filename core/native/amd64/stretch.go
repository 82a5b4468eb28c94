package amd64

import (
	"sort"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// A method that makes JNI calls cannot hold its arrays pinned for the
// whole call (pin.go), but its loops often make none: FFT's butterflies,
// after the shuffle and the table reads of each stage, only read and write
// the two rows. Such a loop is a stretch: its primitive arrays, defined
// before it, are pinned with GetPrimitiveArrayCritical on every edge into
// it and released on every edge out of it, so the elements in between are
// read and written in place (JNI specification, GetPrimitiveArrayCritical:
// no other JNI call and no blocking until the release; nested pairs and
// several arrays allowed). A check that fails inside, a return and a
// pending exception leave through the exits that release whatever is
// pinned (releaseAll), as for the whole-method pins. The outermost loop
// that qualifies is taken, so the pins are hoisted out of every loop nest
// that makes no JNI call, and a loop that makes one pins its inner loops on
// each pass.
type stretch struct {
	blocks map[*ir.Block]bool
	pins   map[*ir.Value]*pin
	order  []*pin
	length map[*ir.Value]bool // arrays whose length the stretch reads
}

// stretches are the stretches of a function and where their pins and
// releases go: at the end of a block (before its phi moves and jump) or at
// the start of the one-predecessor block an exit edge enters.
type stretches struct {
	list         []*stretch
	of           map[*ir.Block]*stretch
	pinAtEnd     map[*ir.Block]*stretch
	releaseEnd   map[*ir.Block]bool
	releaseStart map[*ir.Block]bool
}

// findStretches returns the loops of f that can hold their arrays pinned,
// or nil when there is none.
func findStretches(f *ir.Func, deletes map[*ir.Value][]*ir.Value) *stretches {
	idom := native.Dominators(f)
	dom := func(a, b *ir.Block) bool { return native.Dominates(idom, a, b) }
	// Natural loops, one per header: the header and every block that
	// reaches a back edge's source without passing through the header.
	loops := map[*ir.Block]map[*ir.Block]bool{}
	for _, b := range f.Blocks {
		for _, h := range b.Succs {
			if idom[b] == nil || !dom(h, b) {
				continue
			}
			body := loops[h]
			if body == nil {
				body = map[*ir.Block]bool{h: true}
				loops[h] = body
			}
			work := []*ir.Block{b}
			for len(work) > 0 {
				x := work[len(work)-1]
				work = work[:len(work)-1]
				if body[x] {
					continue
				}
				body[x] = true
				work = append(work, x.Preds...)
			}
		}
	}
	heads := make([]*ir.Block, 0, len(loops))
	for h := range loops {
		heads = append(heads, h)
	}
	// Outermost first: a loop contains only loops smaller than itself.
	sort.Slice(heads, func(i, j int) bool {
		if len(loops[heads[i]]) != len(loops[heads[j]]) {
			return len(loops[heads[i]]) > len(loops[heads[j]])
		}
		return heads[i].ID < heads[j].ID
	})
	s := &stretches{of: map[*ir.Block]*stretch{}, pinAtEnd: map[*ir.Block]*stretch{},
		releaseEnd: map[*ir.Block]bool{}, releaseStart: map[*ir.Block]bool{}}
	for _, h := range heads {
		body := loops[h]
		taken := false
		for b := range body {
			if s.of[b] != nil {
				taken = true
			}
		}
		if taken {
			continue
		}
		st := stretchOf(body, deletes)
		if st == nil {
			continue
		}
		var entries, exitEnd, exitStart []*ir.Block
		ok := true
		for _, p := range h.Preds {
			if body[p] {
				continue
			}
			if len(p.Succs) != 1 || s.pinAtEnd[p] != nil {
				ok = false
			}
			entries = append(entries, p)
		}
		for b := range body {
			for _, x := range b.Succs {
				switch {
				case body[x]:
				case len(b.Succs) == 1:
					exitEnd = append(exitEnd, b)
				case len(x.Preds) == 1:
					exitStart = append(exitStart, x)
				default:
					ok = false
				}
			}
		}
		if !ok || len(entries) == 0 {
			continue
		}
		for b := range body {
			s.of[b] = st
		}
		for _, p := range entries {
			s.pinAtEnd[p] = st
		}
		for _, b := range exitEnd {
			s.releaseEnd[b] = true
		}
		for _, x := range exitStart {
			s.releaseStart[x] = true
		}
		s.list = append(s.list, st)
	}
	if len(s.list) == 0 {
		return nil
	}
	return s
}

// stretchOf returns the stretch a loop body makes, or nil when it calls
// into the JVM other than to read and write primitive arrays defined
// before it, or touches none.
func stretchOf(body map[*ir.Block]bool, deletes map[*ir.Value][]*ir.Value) *stretch {
	st := &stretch{blocks: body, pins: map[*ir.Value]*pin{}, length: map[*ir.Value]bool{}}
	var arrays []*ir.Value
	for b := range body {
		if b.Kind == ir.Throw || sameObjectCall(b) {
			return nil
		}
		for _, v := range b.Values {
			if len(deletes[v]) > 0 {
				return nil
			}
			switch {
			case v.Op == ir.OpArrayLen || v.Op == ir.OpArrayLoad || v.Op == ir.OpArrayStore:
				a := v.Args[0]
				if a.Type != ir.Array || body[a.Block] {
					return nil
				}
				if st.pins[a] == nil {
					st.pins[a] = &pin{param: a}
					arrays = append(arrays, a)
				}
				if v.Op == ir.OpArrayLen {
					st.length[a] = true
				}
			case isDeferred(v), v.Op == ir.OpRem && v.Type.IsFloat():
				// a store to the frame; fmod is the C library's
			case native.Intrinsic(v):
				// SSE code or libm
			case isCall(v):
				return nil
			}
		}
	}
	if len(arrays) == 0 {
		return nil
	}
	sort.Slice(arrays, func(i, j int) bool { return arrays[i].ID < arrays[j].ID })
	for _, a := range arrays {
		st.order = append(st.order, st.pins[a])
	}
	return st
}

// stretchSlots lays out the stretches' pins in the frame from offset
// first (after the deferred fields' homes, which it counts as spill slots).
func (g *gen) stretchSlots(first int) {
	n := g.homeSlots(first)
	g.a.slots += n
	first += 8 * n
	for _, st := range g.stretch.list {
		for _, pn := range st.order {
			pn.elem = elemOf(g.f, pn.param)
			pn.handle, pn.length, pn.addr = first, first+8, first+16
			first += 24
			g.pinOrder = append(g.pinOrder, pn)
		}
	}
}

// inStretch reports whether v, an array access, reads or writes a pinned
// array in place (no call) rather than through a region call.
func (s *stretches) inStretch(v *ir.Value) bool {
	st := s.of[v.Block]
	if st == nil {
		return false
	}
	switch v.Op {
	case ir.OpArrayLen, ir.OpArrayLoad, ir.OpArrayStore:
		return st.pins[v.Args[0]] != nil
	}
	return false
}

// edgeCalls tells the register allocator where the pins and releases call
// out, so that no value lives across them in a caller-saved register.
func (s *stretches) edgeCalls() edgeCalls {
	e := edgeCalls{start: map[*ir.Block]bool{}, end: map[*ir.Block]bool{}}
	for b := range s.releaseStart {
		e.start[b] = true
	}
	for b := range s.releaseEnd {
		e.end[b] = true
	}
	for b := range s.pinAtEnd {
		e.end[b] = true
	}
	return e
}

package bytecode

import "dvmlab/core/classfile"

// Stacks returns the operand stack before each instruction of m that want
// accepts, bottom first, from the same data-flow analysis that computes
// frames; it changes nothing. Unreachable instructions are absent. Tools that
// insert code which depends on what is on the stack (copying a value, pairing
// an object's new with the constructor call that initializes it) use it.
// Merges the hierarchy cannot answer give java/lang/Object here: no frame is
// written from these stacks.
func Stacks(c *classfile.Class, m *classfile.Member, h Hierarchy, want func(Instruction) bool) (map[int][]VType, error) {
	if m.Code() == nil {
		return nil, nil
	}
	out := map[int][]VType{}
	err := eachState(c, m, h, func(lat *Lattice, in *Instruction, cur *frame) {
		if want(*in) {
			out[in.Offset] = lat.views(cur.stack)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachState runs the lenient frame analysis over m and calls visit with the
// type state before every reachable instruction, in code order; visit must
// copy what it keeps of cur, whose types lat numbers. Stacks and States are
// its two readers.
func eachState(c *classfile.Class, m *classfile.Member, h Hierarchy, visit func(lat *Lattice, in *Instruction, cur *frame)) error {
	code := m.Code()
	d := &frameDomain{lat: NewLattice(h), lenient: true}
	a := &analyzer{c: c, m: m, code: code, d: d, lat: d.lat, s: new(scratch), old: c.Major < 50, subroutines: c.Major < 50}
	d.a = a
	insns, err := Decode(code.Code)
	if err != nil {
		return a.fail(0, "%v", err)
	}
	a.insns = insns
	a.at = offsetIndex(nil).reset(a.insns, len(code.Code))
	init, err := a.initialFrame()
	if err != nil {
		return err
	}
	if err := a.findBlocks(); err != nil {
		return err
	}
	n := len(a.insns)
	a.in, a.reached = make([]*frame, n), make([]bool, n)
	entry := a.copyFrame(init)
	if err := a.flow(init); err != nil {
		return err
	}
	if a.in[0] == nil {
		a.in[0] = entry
	}
	cur := &frame{}
	for b := 0; b < n; b++ {
		if !a.block[b] || a.in[b] == nil {
			continue
		}
		cur.locals = append(cur.locals[:0], a.in[b].locals...)
		cur.stack = append(cur.stack[:0], a.in[b].stack...)
		for i := b; i < n; i++ {
			in := &a.insns[i]
			if i > b && a.block[i] {
				break
			}
			visit(a.lat, in, cur)
			// jsr and ret are control flow, the analyzer's; after either a
			// block starts.
			if in.EndsBlock() || in.Op == Jsr || in.Op == JsrW {
				break
			}
			if _, err := a.execute(in, cur); err != nil {
				return err
			}
		}
	}
	return nil
}

package bytecode

import "dvmlab/core/classfile"

// State is the type state before one instruction (JVMS §4.10.1.3): the
// verification types of the locals, by slot, and of the operand stack,
// bottom first. A long or double takes two slots in either, the second of
// kind KLong2 or KDouble2.
type State struct {
	Offset int
	Locals []VType
	Stack  []VType
}

// States returns the type state before every reachable instruction of m,
// in code order, from the same data-flow analysis that computes frames (see
// Stacks); it changes nothing. Teaching tools show it to explain the operand
// stack. Merges the hierarchy cannot answer give java/lang/Object.
func States(c *classfile.Class, m *classfile.Member, h Hierarchy) ([]State, error) {
	code := m.Code()
	if code == nil {
		return nil, nil
	}
	d := &frameDomain{lat: NewLattice(h), lenient: true}
	a := &analyzer{c: c, m: m, code: code, d: d, s: new(scratch), old: c.Major < 50, subroutines: c.Major < 50}
	d.a = a
	insns, err := Decode(code.Code)
	if err != nil {
		return nil, a.fail(0, "%v", err)
	}
	a.insns = insns
	a.at = offsetIndex(nil).reset(a.insns, len(code.Code))
	init, err := a.initialFrame()
	if err != nil {
		return nil, err
	}
	if err := a.findBlocks(); err != nil {
		return nil, err
	}
	n := len(a.insns)
	a.in, a.reached = make([]*frame, n), make([]bool, n)
	entry := a.copyFrame(init)
	if err := a.flow(init); err != nil {
		return nil, err
	}
	if a.in[0] == nil {
		a.in[0] = entry
	}
	var out []State
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
			out = append(out, State{Offset: in.Offset,
				Locals: append([]VType(nil), cur.locals...), Stack: append([]VType(nil), cur.stack...)})
			if in.EndsBlock() || in.Op == Jsr || in.Op == JsrW {
				break
			}
			if _, err := a.execute(i, cur); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

package bytecode

import "dvmlab/core/classfile"

// Stacks returns the operand stack before each instruction of m that want
// accepts, bottom first, from the same data-flow analysis that computes
// frames; it changes nothing. Unreachable instructions are absent. Tools that
// insert code which depends on what is on the stack (copying a value, pairing
// an object's new with the constructor call that initializes it) use it.
func Stacks(c *classfile.Class, m *classfile.Member, h Hierarchy, want func(Instruction) bool) (map[int][]VType, error) {
	code := m.Code()
	if code == nil {
		return nil, nil
	}
	fc := NewFrameComputer(c, h)
	if c.Major >= 50 {
		fc.classes = newClassIndex(&c.Pool)
	}
	a := &analyzer{c: c, m: m, code: code, mg: fc.mg, classes: fc.classes, s: new(scratch), lenient: true}
	insns, err := Decode(code.Code)
	if err != nil {
		return nil, a.fail(0, "%v", err)
	}
	a.insns = insns
	a.old = c.Major < 50
	a.s.at = a.s.at.reset(a.insns, len(code.Code))
	a.at = a.s.at
	init, err := a.initialFrame()
	if err != nil {
		return nil, err
	}
	if err := a.findBlocks(); err != nil {
		return nil, err
	}
	n := len(a.insns)
	a.in, a.reached = make([]*frame, n), make([]bool, n)
	a.s.in, a.s.reached = a.in, a.reached
	entry := a.copyFrame(init)
	if err := a.flow(init); err != nil {
		return nil, err
	}
	if a.in[0] == nil {
		a.in[0] = entry
	}
	out := map[int][]VType{}
	cur := &frame{}
	for b := 0; b < n; b++ {
		if !a.block[b] || a.in[b] == nil {
			continue
		}
		cur.locals = append(cur.locals[:0], a.in[b].locals...)
		cur.stack = append(cur.stack[:0], a.in[b].stack...)
		for i := b; i < n; i++ {
			if i > b && a.block[i] {
				break
			}
			if want(a.insns[i]) {
				out[a.insns[i].Offset] = append([]VType(nil), cur.stack...)
			}
			if a.insns[i].EndsBlock() {
				break
			}
			if _, err := a.execute(i, cur); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

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
	if m.Code() == nil {
		return nil, nil
	}
	var out []State
	err := eachState(c, m, h, func(lat *Lattice, in *Instruction, cur *frame) {
		out = append(out, State{Offset: in.Offset, Locals: lat.views(cur.locals), Stack: lat.views(cur.stack)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

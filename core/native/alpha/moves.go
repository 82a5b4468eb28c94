package alpha

import (
	"fmt"

	"dvmlab/core/native/ir"
)

// A move is one transfer of a parallel move: all sources are read before
// any destination is written (phi resolution, parameters on entry, a call's
// arguments).
type move struct {
	dst, src loc
	float    bool
}

// A constMove materializes a constant into a destination; constants are
// never destinations, so these come after the others.
type constMove struct {
	dst loc
	v   *ir.Value
}

func sameLoc(a, b loc) bool { return a.kind == b.kind && a.n == b.n }

// parallel emits moves as one parallel assignment: a move whose destination
// no other pending move reads goes first; when only cycles remain, one
// source is parked in a scratch register ($28 or $f30) and the cycle
// unwinds. Transfers between two stack slots go through $27 or $f29.
func (e *emitter) parallel(moves []move, consts []constMove) {
	var pending []move
	for _, m := range moves {
		if !sameLoc(m.dst, m.src) {
			pending = append(pending, m)
		}
	}
	for len(pending) > 0 {
		progress := false
		for i := 0; i < len(pending); i++ {
			m := pending[i]
			blocked := false
			for j, o := range pending {
				if j != i && sameLoc(o.src, m.dst) {
					blocked = true
					break
				}
			}
			if blocked {
				continue
			}
			e.transfer(m.dst, m.src, m.float)
			pending = append(pending[:i], pending[i+1:]...)
			i--
			progress = true
		}
		if progress {
			continue
		}
		m := pending[0]
		tmp := loc{kind: locReg, n: 28}
		if m.float {
			tmp = loc{kind: locFReg, n: 30}
		}
		e.transfer(tmp, m.src, m.float)
		for j := range pending {
			if sameLoc(pending[j].src, m.src) {
				pending[j].src = tmp
			}
		}
	}
	for _, c := range consts {
		e.materialize(c.dst, c.v)
	}
}

func (e *emitter) transfer(dst, src loc, float bool) {
	switch {
	case float && dst.kind == locFReg && src.kind == locFReg:
		e.ins("cpys $f%d,$f%d,$f%d", src.n, src.n, dst.n)
	case float && dst.kind == locFReg && src.kind == locStack:
		e.ins("%s $f%d,%d($30)", floatLoad(src), dst.n, src.n)
	case float && dst.kind == locStack && src.kind == locFReg:
		e.ins("%s $f%d,%d($30)", floatStore(dst), src.n, dst.n)
	case float && dst.kind == locStack && src.kind == locStack:
		e.ins("%s $f29,%d($30)", floatLoad(src), src.n)
		e.ins("%s $f29,%d($30)", floatStore(dst), dst.n)
	case !float && dst.kind == locReg && src.kind == locReg:
		e.ins("mov $%d,$%d", src.n, dst.n)
	case !float && dst.kind == locReg && src.kind == locStack:
		e.ins("ldq $%d,%d($30)", dst.n, src.n)
	case !float && dst.kind == locStack && src.kind == locReg:
		e.ins("stq $%d,%d($30)", src.n, dst.n)
	case !float && dst.kind == locStack && src.kind == locStack:
		e.ins("ldq $27,%d($30)", src.n)
		e.ins("stq $27,%d($30)", dst.n)
	default:
		fail("move from %v to %v (float %v)", src, dst, float)
	}
}

// materialize puts constant v in dst.
func (e *emitter) materialize(dst loc, v *ir.Value) {
	if v.Type.IsFloat() {
		switch dst.kind {
		case locFReg:
			if r := e.fsrc(v, dst.n); r != dst.n {
				e.ins("cpys $f%d,$f%d,$f%d", r, r, dst.n)
			}
		case locStack:
			r := e.fsrc(v, 29)
			e.ins("%s $f%d,%d($30)", floatStore(dst), r, dst.n)
		default:
			fail("float constant to %v", dst)
		}
		return
	}
	switch dst.kind {
	case locReg:
		e.intConst(dst.n, constBits(v))
	case locStack:
		r := e.isrc(v, 27)
		e.ins("stq $%d,%d($30)", r, dst.n)
	default:
		fail("constant to %v", dst)
	}
}

// copyTo is an OpCopy: its value's location gets the source's.
func (e *emitter) copyTo(dst loc, src *ir.Value) {
	if dst.kind == locNone {
		return
	}
	if src.IsConst() {
		e.materialize(dst, src)
		return
	}
	e.transfer(dst, e.loc(src), src.Type.IsFloat())
}

func (l loc) String() string {
	switch l.kind {
	case locReg:
		return fmt.Sprintf("$%d", l.n)
	case locFReg:
		return fmt.Sprintf("$f%d", l.n)
	case locStack:
		return fmt.Sprintf("%d($30)", l.n)
	}
	return "none"
}

// floatLoad and floatStore move a float between a register and stack slot
// l: S_floating memory format for a float argument slot, the register
// format (T) for everything else.
func floatLoad(l loc) string {
	if l.single {
		return "lds"
	}
	return "ldt"
}

func floatStore(l loc) string {
	if l.single {
		return "sts"
	}
	return "stt"
}

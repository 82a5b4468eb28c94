package verify

import (
	"dvmlab/core/bytecode"
)

// infer is the type-inferencing verifier for classes older than version 50
// (JVMS §4.10.2): a data-flow analysis to a fixed point, merging the states
// that reach each instruction, each instruction checked by the same rules
// as the type checker. Where two references merge, the result is their
// first common superclass (interfaces count as Object).
//
// Subroutines (jsr/ret) are not analysed: a method that uses them is
// refused, never accepted unchecked.
func (mc *methodCtx) infer(init *state) *Error {
	v := mc.v
	for i := range mc.insns {
		if op := mc.insns[i].Op; op == bytecode.Jsr || op == bytecode.JsrW || op == bytecode.Ret {
			return v.fail(mc.insns[i].Offset, "%s: subroutines in version %d classes are not verified statically yet", op, v.c.Major)
		}
	}
	n := len(mc.insns)
	in := make([]*state, n)
	in[0] = init.clone()
	work := []int{0}
	queued := make([]bool, n)
	queued[0] = true
	merge := func(from int, i int, s *state) *Error {
		if in[i] == nil {
			in[i] = s.clone()
		} else {
			changed, why := mc.mergeInto(in[i], s)
			if why != "" {
				return v.fail(mc.insns[from].Offset, "to %d: %s", mc.insns[i].Offset, why)
			}
			if !changed {
				return nil
			}
		}
		if !queued[i] {
			queued[i] = true
			work = append(work, i)
		}
		return nil
	}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		queued[i] = false
		ins := &mc.insns[i]
		cur := in[i].clone()
		for _, h := range mc.code.Handlers {
			if ins.Offset < int(h.StartPC) || ins.Offset >= int(h.EndPC) {
				continue
			}
			ex := tThrowable
			if h.CatchType != 0 {
				ex = classType(v.c.Pool.ClassName(h.CatchType))
			}
			if e := merge(i, mc.at[int(h.HandlerPC)], &state{locals: cur.locals, stack: []vtype{ex}}); e != nil {
				return e
			}
		}
		x := &exec{mc: mc, in: ins, s: cur, maxStack: int(mc.code.MaxStack)}
		x.run()
		if x.err != nil {
			return x.err
		}
		for _, h := range mc.code.Handlers {
			if x.localsChanged && ins.Offset >= int(h.StartPC) && ins.Offset < int(h.EndPC) {
				ex := tThrowable
				if h.CatchType != 0 {
					ex = classType(v.c.Pool.ClassName(h.CatchType))
				}
				if e := merge(i, mc.at[int(h.HandlerPC)], &state{locals: cur.locals, stack: []vtype{ex}}); e != nil {
					return e
				}
			}
		}
		for _, t := range ins.BranchTargets() {
			if e := merge(i, mc.at[t], cur); e != nil {
				return e
			}
		}
		if !ins.EndsBlock() {
			if i+1 >= n {
				return v.fail(ins.Offset, "execution falls off the end of the code")
			}
			if e := merge(i, i+1, cur); e != nil {
				return e
			}
		}
	}
	return nil
}

// mergeInto merges s into t: stacks must agree in height and slot kinds;
// locals that disagree become unusable (top).
func (mc *methodCtx) mergeInto(t, s *state) (bool, string) {
	if len(t.stack) != len(s.stack) {
		return false, "stack heights differ on two paths"
	}
	changed := false
	for i := range t.stack {
		m, ok := mc.lub(t.stack[i], s.stack[i])
		if !ok {
			return false, "stack slot " + itoa(i) + " holds " + t.stack[i].String() + " on one path and " + s.stack[i].String() + " on another"
		}
		if m != t.stack[i] {
			t.stack[i], changed = m, true
		}
	}
	for i := range t.locals {
		m, ok := mc.lub(t.locals[i], s.locals[i])
		if !ok {
			m = top
		}
		if m != t.locals[i] {
			t.locals[i], changed = m, true
		}
	}
	return changed, ""
}

// lub is the least upper bound of two types, false when there is none but
// top.
func (mc *methodCtx) lub(a, b vtype) (vtype, bool) {
	if a == b {
		return a, true
	}
	switch {
	case a.k == kNull && b.k == kRef:
		return b, true
	case b.k == kNull && a.k == kRef:
		return a, true
	case a.k == kRef && b.k == kRef:
		return ref(mc.commonSuper(a.name, b.name)), true
	}
	return top, false
}

// commonSuper walks b's superclasses for the first a is assignable to.
func (mc *methodCtx) commonSuper(a, b string) string {
	h := mc.v.hier
	if a[0] == '[' || b[0] == '[' {
		if a[0] == '[' && b[0] == '[' {
			ca, _ := fieldType(a[1:])
			cb, _ := fieldType(b[1:])
			if ca.k == kRef && cb.k == kRef {
				c := mc.commonSuper(ca.name, cb.name)
				if c[0] == '[' {
					return "[" + c
				}
				return "[L" + c + ";"
			}
		}
		return "java/lang/Object"
	}
	for n, k := b, 0; n != "" && k < 256; k++ {
		if i, err := h.h.IsInterface(n); err == nil && !i && h.refAssignable(a, n) {
			return n
		}
		s, err := h.h.SuperClass(n)
		if err != nil || n == "java/lang/Object" {
			break
		}
		n = s
	}
	return "java/lang/Object"
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

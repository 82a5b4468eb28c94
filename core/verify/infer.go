package verify

import (
	"slices"

	"dvmlab/core/bytecode"
)

// infer is the type-inferencing verifier for classes older than version 50
// (JVMS §4.10.2): a data-flow analysis to a fixed point, merging the states
// that reach each instruction, each instruction checked by the same rules
// as the type checker. Where two references merge, the result is their
// first common superclass (interfaces count as Object).
//
// Subroutines (JVMS §4.10.2.4): jsr pushes returnAddress(S) for subroutine
// S and goes there; ret n needs returnAddress(S) in local n and returns to
// the instruction after every jsr to S, with the locals S writes taken from
// the state at ret and the others from the state at that jsr.
func (mc *methodCtx) infer(init *state) *Error {
	v := mc.v
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
	subs := mc.subroutines()
	callers := map[int][]int{}   // subroutine entry -> jsr instructions
	retState := map[int]*state{} // subroutine entry -> merged state at its rets
	// returnTo merges what ret leaves for subroutine entry into the
	// instruction after jsr j.
	returnTo := func(from, entry, j int) *Error {
		rs, jsr := retState[entry], in[j]
		if rs == nil || jsr == nil || j+1 >= n {
			if j+1 >= n && rs != nil {
				return v.fail(mc.insns[j].Offset, "jsr at the end of the code has nowhere to return")
			}
			return nil
		}
		back := &state{locals: append([]vtype(nil), jsr.locals...), stack: append([]vtype(nil), rs.stack...)}
		for k := range back.locals {
			if subs[entry][k] {
				back.locals[k] = rs.locals[k]
			}
			// A return address is good for one return: after it, a ret
			// through it again (say, after a goto into the subroutine)
			// must fail, as HotSpot's "illegal return from subroutine".
			if t := back.locals[k]; t.k == kRetAddr && int(t.off) == entry {
				back.locals[k] = top
			}
		}
		return merge(from, j+1, back)
	}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		queued[i] = false
		ins := &mc.insns[i]
		cur := in[i].clone()
		if e := mc.inferHandlers(i, cur, merge); e != nil {
			return e
		}
		switch ins.Op {
		case bytecode.Jsr, bytecode.JsrW:
			entry := mc.at[ins.Target]
			if len(cur.stack)+1 > int(mc.code.MaxStack) {
				return v.fail(ins.Offset, "jsr: the stack would exceed max_stack %d", mc.code.MaxStack)
			}
			if !slices.Contains(callers[entry], i) {
				callers[entry] = append(callers[entry], i)
			}
			call := cur.clone()
			call.stack = append(call.stack, vtype{k: kRetAddr, off: int32(entry)})
			if e := merge(i, entry, call); e != nil {
				return e
			}
			if e := returnTo(i, entry, i); e != nil {
				return e
			}
			continue
		case bytecode.Ret:
			ra := cur.locals[ins.Index]
			if ra.k != kRetAddr {
				return v.fail(ins.Offset, "ret: local %d holds %s, not a return address", ins.Index, ra)
			}
			entry := int(ra.off)
			if rs := retState[entry]; rs == nil {
				retState[entry] = cur.clone()
			} else if changed, why := mc.mergeInto(rs, cur); why != "" {
				return v.fail(ins.Offset, "ret: %s", why)
			} else if !changed {
				continue
			}
			for _, j := range callers[entry] {
				if e := returnTo(i, entry, j); e != nil {
					return e
				}
			}
			continue
		}
		x := &exec{mc: mc, in: ins, s: cur, maxStack: int(mc.code.MaxStack)}
		x.run()
		if x.err != nil {
			return x.err
		}
		if x.localsChanged && !isStore(ins.Op) {
			// Handlers get the state before each instruction they cover;
			// after <init> they may also get the state after it, where the
			// object is initialized (HotSpot's old verifier merges both).
			// A store's result reaches them only through the instruction
			// after it, if that is still covered: the range is
			// [start_pc, end_pc).
			if e := mc.inferHandlers(i, cur, merge); e != nil {
				return e
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

// inferHandlers merges the state into the handlers covering instruction i.
func (mc *methodCtx) inferHandlers(i int, cur *state, merge func(int, int, *state) *Error) *Error {
	ins := &mc.insns[i]
	for _, h := range mc.code.Handlers {
		if ins.Offset < int(h.StartPC) || ins.Offset >= int(h.EndPC) {
			continue
		}
		if e := merge(i, mc.at[int(h.HandlerPC)], &state{locals: cur.locals, stack: []vtype{mc.caught(h)}}); e != nil {
			return e
		}
	}
	return nil
}

// subroutines finds each subroutine's entry and the locals its code (and
// the subroutines it calls) may write: what a ret hands back.
func (mc *methodCtx) subroutines() map[int][]bool {
	out := map[int][]bool{}
	var visit func(entry int) []bool
	visit = func(entry int) []bool {
		if w, ok := out[entry]; ok {
			return w
		}
		written := make([]bool, mc.code.MaxLocals)
		out[entry] = written // a recursive call sees what is known so far
		seen := map[int]bool{}
		stack := []int{entry}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if i >= len(mc.insns) || seen[i] {
				continue
			}
			seen[i] = true
			in := &mc.insns[i]
			if isStore(in.Op) || in.Op == bytecode.Iinc {
				if in.Index < len(written) {
					written[in.Index] = true
				}
				if k := in.Index + 1; k < len(written) && (in.Op == bytecode.Lstore || in.Op == bytecode.Dstore ||
					(in.Op >= bytecode.Lstore0 && in.Op <= bytecode.Dstore3)) {
					written[k] = true
				}
			}
			switch in.Op {
			case bytecode.Ret:
				continue
			case bytecode.Jsr, bytecode.JsrW:
				for k, w := range visit(mc.at[in.Target]) {
					written[k] = written[k] || w
				}
				stack = append(stack, i+1)
				continue
			}
			for _, t := range in.BranchTargets() {
				stack = append(stack, mc.at[t])
			}
			if !in.EndsBlock() {
				stack = append(stack, i+1)
			}
		}
		return written
	}
	for i := range mc.insns {
		if op := mc.insns[i].Op; op == bytecode.Jsr || op == bytecode.JsrW {
			visit(mc.at[mc.insns[i].Target])
		}
	}
	return out
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

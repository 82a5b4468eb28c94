package native

import "dvmlab/core/native/ir"

// Deferred, in the AuxInt of an OpPutField or OpPutStatic, marks a store
// that PromoteFields has taken over: the function reads the field from the
// value it stored, never again from the object, so a back end may keep
// the new value in its frame and write it to the object only when
// something could see the difference, that is on every way out of the
// method (a return, a thrown exception). A back end that ignores the mark
// stores at once, which is equally right.
const Deferred = 1

// MaxPromoted bounds the fields promoted in one function, so that a back
// end can keep one dirty bit per field in a word.
const MaxPromoted = 32

// PromoteFields keeps the int, long, float and double fields of the
// method's own class that it writes (statics, and instance fields of the
// receiver) in SSA values for the whole call: one read at the entry, every
// later read replaced by the value last read or stored, every store marked
// Deferred. Java lets a single thread do so for non-volatile fields when
// nothing in between can observe them (JLS §17.4.5: no synchronization, no
// other thread's view to honour), so the pass runs only on methods that
// call nothing and run no other class's code: no compiled or JVM calls, no
// allocation of objects, no casts, and no field of another class (whose
// first access may run a static initializer, JVMS §5.5). A field also
// reached through another object of the class, which may be the receiver,
// stays as it was. Sub-int fields stay too: a store narrows its value
// (JVMS §6.5.putfield), and the promoted value would have to as well.
//
// Each read saved is a JNI call saved; Adler-32's loop made seven a byte.
func PromoteFields(f *ir.Func) {
	entry := f.Blocks[0]
	if len(entry.Preds) > 0 {
		return
	}
	var receiver *ir.Value
	if !f.Static {
		for _, v := range entry.Values {
			if v.Op == ir.OpParam && v.AuxInt == 0 {
				receiver = v
			}
		}
	}
	type field struct {
		sym     *ir.Sym
		static  bool
		written bool
		alias   bool
	}
	fields := map[ir.Sym]*field{}
	var order []ir.Sym
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			switch v.Op {
			case ir.OpInvoke:
				if !Intrinsic(v) {
					return
				}
			case ir.OpCall, ir.OpNew, ir.OpNewObjArray, ir.OpCheckCast, ir.OpInstanceOf:
				return
			case ir.OpGetStatic, ir.OpPutStatic, ir.OpGetField, ir.OpPutField:
				s := v.Sym
				if s.Owner != f.Class {
					return
				}
				static := v.Op == ir.OpGetStatic || v.Op == ir.OpPutStatic
				k := key(s)
				fl := fields[k]
				if fl == nil {
					fl = &field{sym: s, static: static}
					fields[k] = fl
					order = append(order, k)
				}
				if !static && (receiver == nil || v.Args[0] != receiver) {
					fl.alias = true
				}
				if v.Op == ir.OpPutStatic || v.Op == ir.OpPutField {
					fl.written = true
				}
			}
		}
	}
	var promote []*field
	for _, k := range order {
		fl := fields[k]
		switch fl.sym.Desc {
		case "I", "J", "F", "D":
		default:
			continue
		}
		if fl.written && !fl.alias && !fl.sym.Volatile && len(promote) < MaxPromoted {
			promote = append(promote, fl)
		}
	}
	if len(promote) == 0 {
		return
	}
	// The reads at the entry, after the parameters they may need.
	at := 0
	for at < len(entry.Values) && entry.Values[at].Op == ir.OpParam {
		at++
	}
	rest := append([]*ir.Value(nil), entry.Values[at:]...)
	entry.Values = entry.Values[:at]
	index := map[ir.Sym]int{}
	initial := make([]*ir.Value, len(promote))
	for i, fl := range promote {
		index[key(fl.sym)] = i
		var v *ir.Value
		if fl.static {
			v = entry.NewValue(ir.OpGetStatic, ir.TypeOfDesc(fl.sym.Desc[0]), -1)
		} else {
			v = entry.NewValue(ir.OpGetField, ir.TypeOfDesc(fl.sym.Desc[0]), -1, receiver)
		}
		v.Sym = fl.sym
		initial[i] = v
	}
	entry.Values = append(entry.Values, rest...)

	// SSA over the blocks in reverse post-order: a phi for each field at
	// each join (trivial ones go in copy propagation), the value at the
	// end of each block for its successors.
	out := map[*ir.Block][]*ir.Value{}
	phis := map[*ir.Block][]*ir.Value{}
	repl := map[*ir.Value]*ir.Value{}
	for _, b := range f.Blocks {
		var cur []*ir.Value
		switch {
		case b == entry:
			cur = append([]*ir.Value(nil), initial...)
		case len(b.Preds) == 1 && out[b.Preds[0]] != nil:
			cur = append([]*ir.Value(nil), out[b.Preds[0]]...)
		default:
			cur = make([]*ir.Value, len(promote))
			for i := range promote {
				cur[i] = b.NewPhi(initial[i].Type, b.Pos)
			}
			phis[b] = append([]*ir.Value(nil), cur...)
		}
		keep := b.Values[:0]
		for _, v := range b.Values {
			switch v.Op {
			case ir.OpGetStatic, ir.OpGetField:
				if i, ok := index[key(v.Sym)]; ok && !isInitial(v, initial) {
					repl[v] = cur[i]
					continue
				}
			case ir.OpPutStatic:
				if i, ok := index[key(v.Sym)]; ok {
					v.AuxInt = Deferred
					cur[i] = v.Args[0]
				}
			case ir.OpPutField:
				if i, ok := index[key(v.Sym)]; ok {
					v.AuxInt = Deferred
					cur[i] = v.Args[1]
				}
			}
			keep = append(keep, v)
		}
		b.Values = keep
		out[b] = cur
	}
	for b, ps := range phis {
		for i, p := range ps {
			for _, pred := range b.Preds {
				p.Args = append(p.Args, out[pred][i])
			}
		}
	}
	replaceUses(f, repl)
}

func isInitial(v *ir.Value, initial []*ir.Value) bool {
	for _, x := range initial {
		if x == v {
			return true
		}
	}
	return false
}

// Intrinsic reports whether v is a call of a java.lang.Math or StrictMath
// method that a back end computes itself, exactly as the JDK specifies it,
// without the JVM: floor and ceil (IEEE roundToIntegral toward -inf and
// +inf, NaN, infinities and signed zeros kept: Math.floor's javadoc), sqrt
// (IEEE correctly rounded, as Math.sqrt requires) and abs of a double or
// float (the sign bit cleared). Such a call observes no field and holds no
// reference, so it neither stops PromoteFields nor pinning; an upcall into
// the JVM costs hundreds of nanoseconds (README, compiler speed).
func Intrinsic(v *ir.Value) bool {
	if v.Op != ir.OpInvoke || v.AuxInt != ir.InvokeStatic || v.Sym == nil {
		return false
	}
	if v.Sym.Owner != "java/lang/Math" && v.Sym.Owner != "java/lang/StrictMath" {
		return false
	}
	switch v.Sym.Name + v.Sym.Desc {
	case "floor(D)D", "ceil(D)D", "sqrt(D)D", "abs(D)D", "abs(F)F":
		return true
	}
	return false
}

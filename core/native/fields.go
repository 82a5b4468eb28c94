package native

import "dvmlab/core/native/ir"

// HoistFieldReads reads once, at the method's entry, the fields of its own
// class that cannot change while it runs: a static final field (only
// <clinit> assigns it, and this is not <clinit>), and a non-volatile field
// of the class or of the receiver that the method never writes, when it
// calls nothing that could. Reading a non-volatile field earlier, with no
// write of it and no synchronization in between, is a reordering the Java
// memory model allows (JLS §17.4); each read saves a JNI call per use, and
// a loop's reads many.
func HoistFieldReads(f *ir.Func) {
	var receiver *ir.Value
	if !f.Static {
		for _, v := range f.Blocks[0].Values {
			if v.Op == ir.OpParam && v.AuxInt == 0 {
				receiver = v
			}
		}
	}
	written := map[ir.Sym]bool{}
	calls := false
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			switch v.Op {
			case ir.OpPutField, ir.OpPutStatic:
				written[key(v.Sym)] = true
			case ir.OpCall, ir.OpInvoke:
				calls = true
			}
		}
	}
	stable := func(v *ir.Value) bool {
		s := v.Sym
		if s.Owner != f.Class || s.Volatile {
			return false
		}
		switch v.Op {
		case ir.OpGetStatic:
			return s.Final || !written[key(s)] && !calls
		case ir.OpGetField:
			return receiver != nil && uncopied(v.Args[0]) == receiver && (s.Final || !written[key(s)] && !calls)
		}
		return false
	}
	entry := f.Blocks[0]
	hoisted := map[ir.Sym]*ir.Value{}
	repl := map[*ir.Value]*ir.Value{}
	for _, b := range f.Blocks {
		keep := b.Values[:0]
		for _, v := range b.Values {
			if (v.Op == ir.OpGetStatic || v.Op == ir.OpGetField) && stable(v) {
				h := hoisted[key(v.Sym)]
				if h == nil {
					var args []*ir.Value
					if v.Op == ir.OpGetField {
						args = []*ir.Value{receiver}
					}
					h = entry.NewValue(v.Op, v.Type, v.Pos, args...)
					h.Sym, h.Elem, h.Class = v.Sym, v.Elem, v.Class
					hoisted[key(v.Sym)] = h
				}
				repl[v] = h
				continue
			}
			keep = append(keep, v)
		}
		b.Values = keep
	}
	if len(repl) > 0 {
		replaceUses(f, repl)
	}
}

func key(s *ir.Sym) ir.Sym { return ir.Sym{Owner: s.Owner, Name: s.Name, Desc: s.Desc} }

// uncopied is the value v copies, through any chain of copies: before
// copy propagation the receiver a field access names is often a copy of
// the parameter (aload_0; dup).
func uncopied(v *ir.Value) *ir.Value {
	for v.Op == ir.OpCopy {
		v = v.Args[0]
	}
	return v
}

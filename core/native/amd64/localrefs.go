package amd64

import "dvmlab/core/native/ir"

// Every object JNI hands the method is a new local reference, freed only
// when the method returns: a loop that fetches objects would pile them up.
// deletions plans a DeleteLocalRef for each such reference right after its
// last use, when all its uses are in its own block and none can hand the
// same reference on (a phi, a branch, a return, a checkcast, whose result
// is the same reference, a compiled callee, which may return its argument). It maps an instruction to the references
// to delete after it; an unused reference is deleted after it is made.
func deletions(f *ir.Func) map[*ir.Value][]*ir.Value {
	makesRef := func(v *ir.Value) bool {
		if !v.Type.IsRef() {
			return false
		}
		switch v.Op {
		case ir.OpInvoke, ir.OpObjArrayLoad, ir.OpGetField, ir.OpGetStatic, ir.OpNew, ir.OpNewObjArray, ir.OpNewArray:
			return true
		}
		return false
	}
	index := map[*ir.Value]int{}
	last := map[*ir.Value]*ir.Value{}
	escapes := map[*ir.Value]bool{}
	for _, b := range f.Blocks {
		for i, v := range b.Values {
			index[v] = i
			for _, a := range v.Args {
				if !makesRef(a) {
					continue
				}
				if v.Op == ir.OpPhi || v.Op == ir.OpCall || v.Op == ir.OpCheckCast || a.Block != b {
					escapes[a] = true
				}
				if l := last[a]; l == nil || index[l] < i {
					last[a] = v
				}
			}
		}
		for _, c := range b.Controls {
			escapes[c] = true
		}
	}
	out := map[*ir.Value][]*ir.Value{}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if !makesRef(v) || escapes[v] {
				continue
			}
			u := last[v]
			if u == nil {
				u = v
			}
			out[u] = append(out[u], v)
		}
	}
	return out
}

// deleteRefs emits the DeleteLocalRef calls planned after v.
func (g *gen) deleteRefs(v *ir.Value) {
	for _, r := range g.deletes[v] {
		g.ldg(rSI, r)
		g.jni(jniDeleteLocalRef)
	}
}

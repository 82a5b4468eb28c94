package native

import "dvmlab/core/native/ir"

// ReuseRows replaces an aaload (JVMS §6.5.aaload) by an earlier one of the
// same array and index in the same block when nothing in between can store
// into a reference array or synchronize: no aastore, no call, no volatile
// field, nothing that may initialize another class. Re-reading a non-volatile
// array element with no write and no synchronization in between may see
// the first read's value (JLS §17.4, as HoistFieldReads relies on), and in
// native code each read is a JNI GetObjectArrayElement plus the local
// reference's DeleteLocalRef: sunflow's PerlinScalar.grad reads
// G3[h][0], G3[h][1] and G3[h][2], three rows where one will do. The
// checks before the read it replaces stay (they throw the same).
func ReuseRows(f *ir.Func) {
	repl := map[*ir.Value]*ir.Value{}
	type key struct {
		array, index *ir.Value
		c            int64
	}
	keyOf := func(v *ir.Value) key {
		k := key{array: v.Args[0], index: v.Args[1]}
		if i := v.Args[1]; i.Op == ir.OpConst {
			k.index, k.c = nil, i.AuxInt
		}
		return k
	}
	for _, b := range f.Blocks {
		seen := map[key]*ir.Value{}
		keep := b.Values[:0]
		for _, v := range b.Values {
			useReplaced(v, repl)
			switch v.Op {
			case ir.OpObjArrayLoad:
				k := keyOf(v)
				if w := seen[k]; w != nil {
					repl[v] = w
					continue
				}
				seen[k] = v
			case ir.OpObjArrayStore, ir.OpCall, ir.OpNew:
				seen = map[key]*ir.Value{}
			case ir.OpInvoke:
				if !Intrinsic(v) {
					seen = map[key]*ir.Value{}
				}
			case ir.OpGetStatic, ir.OpPutStatic:
				// Another class's static initializer may run (JVMS §5.5).
				if v.Sym.Volatile || v.Sym.Owner != f.Class {
					seen = map[key]*ir.Value{}
				}
			case ir.OpGetField, ir.OpPutField:
				if v.Sym.Volatile {
					seen = map[key]*ir.Value{}
				}
			}
			keep = append(keep, v)
		}
		b.Values = keep
	}
	if len(repl) > 0 {
		replaceUses(f, repl)
	}
}

package native

import "dvmlab/core/native/ir"

// Callees gives a fresh, optimised copy of the IR of the method a call
// names when it may be inlined there, nil otherwise.
type Callees func(caller *ir.Func, callee *ir.Sym) *ir.Func

// MaxInlineBytes is the largest callee, in bytes of bytecode, that Inline
// copies into its callers: HotSpot's MaxInlineSize default.
const MaxInlineBytes = 35

// Inline replaces the calls f makes (not those of the bodies it copies in)
// by the callees' bodies: the caller's block is split at the call, the
// callee's entry takes the arguments, its returns jump to the rest of the
// caller's block, and the call's value becomes the phi of their results.
// A check in the callee throws what it threw (no handler exists in either
// method), so the program's behaviour is unchanged.
func Inline(f *ir.Func, callees Callees) {
	if callees == nil {
		return
	}
	var calls []*ir.Value
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpCall {
				calls = append(calls, v)
			}
		}
	}
	inlined := false
	for _, v := range calls {
		g := callees(f, v.Sym)
		if g == nil {
			continue
		}
		inlineCall(f, v, g)
		inlined = true
	}
	if inlined {
		removeUnreachable(f)
	}
}

func inlineCall(f *ir.Func, v *ir.Value, g *ir.Func) {
	b := v.Block
	idx := 0
	for b.Values[idx] != v {
		idx++
	}
	entry := g.Blocks[0]
	gblocks := append([]*ir.Block(nil), g.Blocks...)
	f.Adopt(g)
	after := f.NewBlock(v.Pos)
	after.Values = append([]*ir.Value(nil), b.Values[idx+1:]...)
	for _, w := range after.Values {
		w.Block = after
	}
	after.Kind, after.Controls, after.Cond, after.Succs = b.Kind, b.Controls, b.Cond, b.Succs
	for _, s := range after.Succs {
		for k, p := range s.Preds {
			if p == b {
				s.Preds[k] = after
			}
		}
	}
	b.Values = b.Values[:idx]
	b.Kind, b.Controls, b.Succs = ir.Plain, nil, nil
	ir.AddEdge(b, entry)
	repl := map[*ir.Value]*ir.Value{}
	keep := entry.Values[:0]
	for _, p := range entry.Values {
		if p.Op == ir.OpParam {
			repl[p] = v.Args[p.AuxInt]
			continue
		}
		keep = append(keep, p)
	}
	entry.Values = keep
	var results []*ir.Value
	for _, r := range gblocks {
		if r.Kind != ir.Return {
			continue
		}
		if len(r.Controls) == 1 {
			results = append(results, r.Controls[0])
		}
		r.Kind, r.Controls = ir.Plain, nil
		ir.AddEdge(r, after)
	}
	if v.Type != ir.Void {
		v.Op, v.Args, v.Sym, v.Block = ir.OpPhi, results, nil, after
		after.Values = append([]*ir.Value{v}, after.Values...)
	}
	replaceUses(f, repl)
}

// MaxInlineLeafBytes is the largest callee Inline copies when it is a
// leaf: no loop and no call but of intrinsics. Compiled on its own, each
// call of it costs an ExceptionCheck (a JNI call) and keeps the caller's
// arrays from being pinned across it; sunflow's PerlinScalar.grad (39 to
// 51 bytes) is called eight to sixteen times a noise value.
const MaxInlineLeafBytes = 64

// Inlinable reports whether g, a callee's optimised IR of size bytes of
// bytecode, is worth copying into its callers: small (MaxInlineBytes), or
// a leaf of at most MaxInlineLeafBytes. A callee that reads or writes the
// elements of arrays it is passed or reads from fields stays a call: on
// its own it may pin them, inlined into a caller that calls out it could
// not. Elements of rows it loads from a reference array need a JNI call
// each either way.
func Inlinable(g *ir.Func, size int) bool {
	if size > MaxInlineLeafBytes {
		return false
	}
	leaf := true
	idx := map[*ir.Block]int{}
	for i, b := range g.Blocks {
		idx[b] = i
	}
	for i, b := range g.Blocks {
		for _, s := range b.Succs {
			if idx[s] <= i {
				leaf = false // a back edge, in reverse post-order
			}
		}
		for _, v := range b.Values {
			switch v.Op {
			case ir.OpCall:
				leaf = false
			case ir.OpInvoke:
				if !Intrinsic(v) {
					leaf = false
				}
			case ir.OpArrayLoad, ir.OpArrayStore:
				if v.Args[0].Op != ir.OpObjArrayLoad {
					return false
				}
			}
		}
	}
	return size <= MaxInlineBytes || leaf
}

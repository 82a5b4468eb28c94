package native

import (
	"fmt"
	"math"

	"dvmlab/core/native/ir"
)

// Pass is one step over the IR. Passes are listed in one table (Passes) and
// run in that order; a researcher prints the function after any of them
// (`dvmlab compile --emit ir`), as Go's GOSSAFUNC shows every SSA pass.
type Pass struct {
	Name string
	Doc  string
	Run  func(f *ir.Func)
	// RunCallees, for a pass that needs other methods' IR, replaces Run;
	// it runs only when the caller supplies them (OptimizeWith).
	RunCallees func(f *ir.Func, c Callees)
}

// Passes is the optimisation pipeline, in order.
var Passes = []Pass{
	{Name: "inline", Doc: "small static methods of the class (at most MaxInlineBytes of bytecode) copied into their callers", RunCallees: Inline},
	{Name: "copyprop", Doc: "copy propagation: uses of copies and of phis whose operands are all one value use that value", Run: CopyProp},
	{Name: "fieldhoist", Doc: "fields of the class that cannot change during the call read once at its entry", Run: HoistFieldReads},
	{Name: "fieldpromote", Doc: "int, long, float and double fields the method writes kept in values: read once at entry, stores deferred to the exits (methods that call nothing)", Run: PromoteFields},
	{Name: "constfold", Doc: "constant folding with Java's exact semantics (JLS §15, JVMS §6.5); constant branches become jumps", Run: ConstFold},
	{Name: "copyprop2", Doc: "copy propagation again, over what folding left", Run: CopyProp},
	{Name: "rows", Doc: "an aaload of the same array and index as an earlier one in the block, with no aastore or call between, reuses it", Run: ReuseRows},
	{Name: "dce", Doc: "dead code: unused values without effects, unreachable blocks", Run: DeadCode},
	{Name: "hoist", Doc: "null checks and array lengths at the top of a loop, on values from before it, move before the loop", Run: HoistHeaderChecks},
	{Name: "checkelim", Doc: "null checks and array lengths a dominating one already did", Run: CheckElim},
	{Name: "bce", Doc: "bounds checks a counted loop's own test makes redundant", Run: BoundsCheckElim},
}

// Optimize runs every pass over f. trace, if not nil, sees f after the
// front end ("build") and after each pass.
func Optimize(f *ir.Func, trace func(pass string, f *ir.Func)) error {
	return OptimizeWith(f, trace, nil)
}

// OptimizeWith is Optimize with callees for the passes that need them
// (inlining); nil skips those passes.
func OptimizeWith(f *ir.Func, trace func(pass string, f *ir.Func), callees Callees) error {
	if trace != nil {
		trace("build", f)
	}
	if err := Check(f); err != nil {
		return fmt.Errorf("after build: %w", err)
	}
	for _, p := range Passes {
		if p.RunCallees != nil {
			if callees == nil {
				continue
			}
			p.RunCallees(f, callees)
		} else {
			p.Run(f)
		}
		if trace != nil {
			trace(p.Name, f)
		}
		if err := Check(f); err != nil {
			return fmt.Errorf("after %s: %w", p.Name, err)
		}
	}
	return nil
}

// Check verifies the IR's invariants: phis have one operand per
// predecessor, every operand is defined in a block of the function, edges
// agree both ways, block kinds have their successors and controls.
func Check(f *ir.Func) error {
	in := map[*ir.Value]bool{}
	blocks := map[*ir.Block]bool{}
	for _, b := range f.Blocks {
		blocks[b] = true
		for _, v := range b.Values {
			in[v] = true
		}
	}
	for _, b := range f.Blocks {
		want := map[ir.BlockKind][2]int{ir.Plain: {1, 0}, ir.If: {2, 2}, ir.Return: {0, -1}, ir.Throw: {0, 1}}[b.Kind]
		if len(b.Succs) != want[0] || (want[1] >= 0 && len(b.Controls) != want[1]) {
			return fmt.Errorf("b%d: kind %d with %d successors and %d controls", b.ID, b.Kind, len(b.Succs), len(b.Controls))
		}
		for _, s := range b.Succs {
			if !blocks[s] {
				return fmt.Errorf("b%d: successor b%d is not in the function", b.ID, s.ID)
			}
		}
		for _, p := range b.Preds {
			if !blocks[p] {
				return fmt.Errorf("b%d: predecessor b%d is not in the function", b.ID, p.ID)
			}
		}
		phis := true
		for _, v := range b.Values {
			if v.Block != b {
				return fmt.Errorf("%s is in b%d but says b%d", v, b.ID, v.Block.ID)
			}
			if v.Op == ir.OpPhi {
				if !phis {
					return fmt.Errorf("%s: phi after other values in b%d", v, b.ID)
				}
				if len(v.Args) != len(b.Preds) {
					return fmt.Errorf("%s: %d operands for %d predecessors", v, len(v.Args), len(b.Preds))
				}
			} else {
				phis = false
			}
			for _, a := range v.Args {
				if !in[a] {
					return fmt.Errorf("%s uses %s, which is not defined", v, a)
				}
			}
		}
		for _, c := range b.Controls {
			if !in[c] {
				return fmt.Errorf("b%d: control %s is not defined", b.ID, c)
			}
		}
	}
	return nil
}

// useReplaced points v's operands at their replacements in repl, for a pass
// that replaces as it walks, where an operand's replacement is already final.
func useReplaced(v *ir.Value, repl map[*ir.Value]*ir.Value) {
	for i, a := range v.Args {
		if r, ok := repl[a]; ok {
			v.Args[i] = r
		}
	}
}

// replaceUses makes every use of a value in repl use its replacement,
// following chains.
func replaceUses(f *ir.Func, repl map[*ir.Value]*ir.Value) {
	find := func(v *ir.Value) *ir.Value {
		for {
			r, ok := repl[v]
			if !ok || r == v {
				return v
			}
			v = r
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for i, a := range v.Args {
				v.Args[i] = find(a)
			}
		}
		for i, c := range b.Controls {
			b.Controls[i] = find(c)
		}
	}
}

// CopyProp replaces copies by their operand and phis whose operands are all
// one value (or the phi itself) by that value, until nothing changes, then
// removes them. See Braun et al., "Simple and Efficient Construction of SSA
// Form" (CC 2013), §3.1 on trivial phis.
func CopyProp(f *ir.Func) {
	for {
		repl := map[*ir.Value]*ir.Value{}
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				switch v.Op {
				case ir.OpCopy:
					repl[v] = v.Args[0]
				case ir.OpPhi:
					var same *ir.Value
					trivial := true
					for _, a := range v.Args {
						if a == v || a == same {
							continue
						}
						if same != nil {
							trivial = false
							break
						}
						same = a
					}
					if trivial && same != nil {
						repl[v] = same
					}
				}
			}
		}
		if len(repl) == 0 {
			return
		}
		replaceUses(f, repl)
		for _, b := range f.Blocks {
			keep := b.Values[:0]
			for _, v := range b.Values {
				if _, gone := repl[v]; !gone {
					keep = append(keep, v)
				}
			}
			b.Values = keep
		}
	}
}

// DeadCode removes blocks no path from the entry reaches, then values that
// nothing uses and that have no effect.
func DeadCode(f *ir.Func) {
	removeUnreachable(f)
	live := map[*ir.Value]bool{}
	var work []*ir.Value
	mark := func(v *ir.Value) {
		if !live[v] {
			live[v] = true
			work = append(work, v)
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op.HasEffect() {
				mark(v)
			}
		}
		for _, c := range b.Controls {
			mark(c)
		}
	}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		for _, a := range v.Args {
			mark(a)
		}
	}
	for _, b := range f.Blocks {
		keep := b.Values[:0]
		for _, v := range b.Values {
			if live[v] || v.Op == ir.OpParam {
				keep = append(keep, v)
			}
		}
		b.Values = keep
	}
}

// removeUnreachable drops blocks the entry does not reach, with their
// edges and the phi operands those edges fed, and orders the rest in
// reverse post-order.
func removeUnreachable(f *ir.Func) {
	seen := map[*ir.Block]bool{}
	var post []*ir.Block
	var dfs func(b *ir.Block)
	dfs = func(b *ir.Block) {
		seen[b] = true
		for _, s := range b.Succs {
			if !seen[s] {
				dfs(s)
			}
		}
		post = append(post, b)
	}
	dfs(f.Blocks[0])
	for _, b := range f.Blocks {
		if !seen[b] {
			continue
		}
		for i := 0; i < len(b.Preds); i++ {
			if !seen[b.Preds[i]] {
				removePred(b, i)
				i--
			}
		}
	}
	f.Blocks = f.Blocks[:0]
	for i := len(post) - 1; i >= 0; i-- {
		f.Blocks = append(f.Blocks, post[i])
	}
}

// removePred removes b's i'th predecessor edge and the phi operands for it.
func removePred(b *ir.Block, i int) {
	b.Preds = append(b.Preds[:i], b.Preds[i+1:]...)
	for _, v := range b.Values {
		if v.Op == ir.OpPhi {
			v.Args = append(v.Args[:i], v.Args[i+1:]...)
		}
	}
}

// ConstFold evaluates operations on constants as the JVM would (JVMS §6.5
// for each instruction), drops checks that constants show cannot fail, and
// turns branches on constants into jumps.
func ConstFold(f *ir.Func) {
	for _, b := range f.Blocks {
		keep := b.Values[:0]
		for _, v := range b.Values {
			if v.Op == ir.OpDivZeroCheck && v.Args[0].IsConst() && v.Args[0].AuxInt != 0 {
				continue
			}
			if v.Op == ir.OpNegSizeCheck && v.Args[0].IsConst() && int32(v.Args[0].AuxInt) >= 0 {
				continue
			}
			if v.Op == ir.OpBoundsCheck && v.Args[0].IsConst() && v.Args[1].IsConst() &&
				uint32(v.Args[0].AuxInt) < uint32(v.Args[1].AuxInt) {
				continue
			}
			if bits, ok := fold(v); ok {
				v.Op, v.Args, v.AuxInt = ir.OpConst, nil, bits
			}
			keep = append(keep, v)
		}
		b.Values = keep
	}
	for _, b := range f.Blocks {
		if b.Kind != ir.If || !b.Controls[0].IsConst() || !b.Controls[1].IsConst() {
			continue
		}
		x, y := b.Controls[0], b.Controls[1]
		a, c := x.AuxInt, y.AuxInt
		if x.Type == ir.Int {
			a, c = int64(int32(a)), int64(int32(c))
		}
		taken := 1
		if b.Cond.Eval(a, c) {
			taken = 0
		}
		dead := b.Succs[1-taken]
		for k, p := range dead.Preds {
			if p == b {
				removePred(dead, k)
				break
			}
		}
		b.Kind, b.Controls, b.Succs = ir.Plain, nil, []*ir.Block{b.Succs[taken]}
	}
}

// fold computes v from constant operands; ok is false when it cannot.
func fold(v *ir.Value) (bits int64, ok bool) {
	switch v.Op {
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpRem, ir.OpAnd, ir.OpOr, ir.OpXor,
		ir.OpShl, ir.OpShr, ir.OpUshr, ir.OpNeg, ir.OpConv, ir.OpLcmp, ir.OpCmpl, ir.OpCmpg:
	default:
		return 0, false
	}
	for _, a := range v.Args {
		if !a.IsConst() {
			return 0, false
		}
	}
	x := v.Args[0]
	var y *ir.Value
	if len(v.Args) > 1 {
		y = v.Args[1]
	}
	switch v.Op {
	case ir.OpConv:
		return convert(x, v.Type, byte(v.AuxInt)), true
	case ir.OpLcmp:
		return cmp3(x.AuxInt < y.AuxInt, x.AuxInt == y.AuxInt, false, 0), true
	case ir.OpCmpl, ir.OpCmpg:
		var a, b float64
		if x.Type == ir.Float {
			a, b = float64(x.Float32()), float64(y.Float32())
		} else {
			a, b = x.Float64(), y.Float64()
		}
		nan := int64(-1)
		if v.Op == ir.OpCmpg {
			nan = 1
		}
		return cmp3(a < b, a == b, math.IsNaN(a) || math.IsNaN(b), nan), true
	}
	switch v.Type {
	case ir.Int:
		a := int32(x.AuxInt)
		var b int32
		if y != nil {
			b = int32(y.AuxInt)
		}
		var r int32
		switch v.Op {
		case ir.OpAdd:
			r = a + b
		case ir.OpSub:
			r = a - b
		case ir.OpMul:
			r = a * b
		case ir.OpDiv, ir.OpRem:
			if b == 0 {
				return 0, false // the check throws first
			}
			if v.Op == ir.OpDiv {
				r = a / b // Go, like Java, gives MinInt32 / -1 == MinInt32
			} else {
				r = a % b
			}
		case ir.OpAnd:
			r = a & b
		case ir.OpOr:
			r = a | b
		case ir.OpXor:
			r = a ^ b
		case ir.OpShl:
			r = a << (b & 31)
		case ir.OpShr:
			r = a >> (b & 31)
		case ir.OpUshr:
			r = int32(uint32(a) >> (b & 31))
		case ir.OpNeg:
			r = -a
		}
		return int64(r), true
	case ir.Long:
		a := x.AuxInt
		var b int64
		if y != nil {
			b = y.AuxInt
		}
		switch v.Op {
		case ir.OpAdd:
			return a + b, true
		case ir.OpSub:
			return a - b, true
		case ir.OpMul:
			return a * b, true
		case ir.OpDiv:
			if b == 0 {
				return 0, false
			}
			return a / b, true
		case ir.OpRem:
			if b == 0 {
				return 0, false
			}
			return a % b, true
		case ir.OpAnd:
			return a & b, true
		case ir.OpOr:
			return a | b, true
		case ir.OpXor:
			return a ^ b, true
		case ir.OpShl:
			return a << (uint32(y.AuxInt) & 63), true
		case ir.OpShr:
			return a >> (uint32(y.AuxInt) & 63), true
		case ir.OpUshr:
			return int64(uint64(a) >> (uint32(y.AuxInt) & 63)), true
		case ir.OpNeg:
			return -a, true
		}
	case ir.Float:
		a := x.Float32()
		var b float32
		if y != nil {
			b = y.Float32()
		}
		var r float32
		// Each result is converted explicitly so that Go rounds every
		// operation to float32 and never fuses them (JLS §15.4 strictness).
		switch v.Op {
		case ir.OpAdd:
			r = float32(a + b)
		case ir.OpSub:
			r = float32(a - b)
		case ir.OpMul:
			r = float32(a * b)
		case ir.OpDiv:
			r = float32(a / b)
		case ir.OpRem:
			r = float32(math.Mod(float64(a), float64(b)))
		case ir.OpNeg:
			r = -a
		default:
			return 0, false
		}
		return int64(math.Float32bits(r)), true
	case ir.Double:
		a := x.Float64()
		var b float64
		if y != nil {
			b = y.Float64()
		}
		var r float64
		switch v.Op {
		case ir.OpAdd:
			r = float64(a + b)
		case ir.OpSub:
			r = float64(a - b)
		case ir.OpMul:
			r = float64(a * b)
		case ir.OpDiv:
			r = float64(a / b)
		case ir.OpRem:
			r = math.Mod(a, b)
		case ir.OpNeg:
			r = -a
		default:
			return 0, false
		}
		return int64(math.Float64bits(r)), true
	}
	return 0, false
}

func cmp3(lt, eq, nan bool, nanResult int64) int64 {
	switch {
	case nan:
		return nanResult
	case lt:
		return -1
	case eq:
		return 0
	}
	return 1
}

// convert is JVMS §6.5's i2l…d2f, i2b, i2c, i2s on a constant: narrowing
// float to integer saturates and takes NaN to 0 (JLS §5.1.3).
func convert(x *ir.Value, to ir.Type, how byte) int64 {
	var i int64
	var d float64
	isFloat := false
	switch x.Type {
	case ir.Int:
		i = int64(int32(x.AuxInt))
	case ir.Long:
		i = x.AuxInt
	case ir.Float:
		d, isFloat = float64(x.Float32()), true
	case ir.Double:
		d, isFloat = x.Float64(), true
	}
	switch to {
	case ir.Int:
		switch how {
		case 'B':
			return int64(int8(i))
		case 'C':
			return int64(uint16(i))
		case 'S':
			return int64(int16(i))
		}
		if isFloat {
			return int64(SaturateInt32(d))
		}
		return int64(int32(i))
	case ir.Long:
		if isFloat {
			return SaturateInt64(d)
		}
		return i
	case ir.Float:
		if isFloat {
			return int64(math.Float32bits(float32(d)))
		}
		return int64(math.Float32bits(float32(i)))
	case ir.Double:
		if isFloat {
			return int64(math.Float64bits(d))
		}
		return int64(math.Float64bits(float64(i)))
	}
	return 0
}

// SaturateInt32 is d2i (JVMS §6.5.d2i): NaN to 0, out of range to the
// nearest bound, otherwise rounded toward zero.
func SaturateInt32(d float64) int32 {
	switch {
	case math.IsNaN(d):
		return 0
	case d >= math.MaxInt32:
		return math.MaxInt32
	case d <= math.MinInt32:
		return math.MinInt32
	}
	return int32(d)
}

// SaturateInt64 is d2l (JVMS §6.5.d2l).
func SaturateInt64(d float64) int64 {
	switch {
	case math.IsNaN(d):
		return 0
	case d >= 9223372036854775807.0:
		return math.MaxInt64
	case d <= -9223372036854775808.0:
		return math.MinInt64
	}
	return int64(d)
}

// SplitCriticalEdges puts an empty block on every edge from a block with
// several successors to a block with several predecessors, so that a back
// end can place the phi moves of an edge at the end of its source block.
// An edge to a block with one predecessor gets one too when that block has
// phis: a pass after copy propagation (dead code removing a branch's
// unreachable side) can leave a phi of one operand there, and a branch has
// no end to put its move at (found by progen on amd64: PhiAfterBranch in
// core/native/exec/testdata/Ops.java).
func SplitCriticalEdges(f *ir.Func) {
	for _, b := range append([]*ir.Block(nil), f.Blocks...) {
		if len(b.Succs) < 2 {
			continue
		}
		for i, s := range b.Succs {
			if len(s.Preds) < 2 && (len(s.Values) == 0 || s.Values[0].Op != ir.OpPhi) {
				continue
			}
			m := f.NewBlock(s.Pos)
			m.Kind = ir.Plain
			m.Preds = []*ir.Block{b}
			m.Succs = []*ir.Block{s}
			b.Succs[i] = m
			for k, p := range s.Preds {
				if p == b {
					s.Preds[k] = m
					break
				}
			}
		}
	}
	removeUnreachable(f) // puts the new blocks in reverse post-order
}

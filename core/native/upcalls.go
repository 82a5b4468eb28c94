package native

import (
	"fmt"

	"dvmlab/core/native/ir"
)

// UpcallBound returns why f is better left as bytecode, or "": a call
// back into the JVM from native code (JNI Call<Type>Method) costs about
// 0.6-0.8 µs in HotSpot 17 (README, compiler speed), the time the
// interpreter takes for a hundred bytecodes and C2 for thousands, so a
// method that makes one on every pass of a loop, or one without loops
// whose every call makes one, runs slower compiled than as bytecode, where
// the JIT inlines the callee. Calls on the way to a throw are cold and do
// not count; neither do intrinsics (Intrinsic).
func UpcallBound(f *ir.Func) string {
	idx := map[*ir.Block]int{}
	for i, b := range f.Blocks {
		idx[b] = i
	}
	// A block lies in a loop when it sits, in reverse post-order, between
	// the head and the source of a back edge.
	inLoop := make([]bool, len(f.Blocks))
	loops := false
	for i, b := range f.Blocks {
		for _, s := range b.Succs {
			if j := idx[s]; j <= i {
				loops = true
				for k := j; k <= i; k++ {
					inLoop[k] = true
				}
			}
		}
	}
	for i, b := range f.Blocks {
		if b.Kind == ir.Throw {
			continue
		}
		for _, v := range b.Values {
			if v.Op != ir.OpInvoke || Intrinsic(v) {
				continue
			}
			if inLoop[i] {
				return fmt.Sprintf("calls %s in a loop: a JNI upcall each time costs more than the bytecode", v.Sym)
			}
			if !loops {
				return fmt.Sprintf("calls %s and has no loop: the JNI upcall costs more than the bytecode", v.Sym)
			}
		}
	}
	return ""
}

// Declined is a back end's refusal of a method it could compile but should
// not (UpcallBound's reasons): the method stays bytecode as a decision of
// cost, not as a failure of the compiler.
type Declined struct{ Why string }

func (d *Declined) Error() string { return d.Why }

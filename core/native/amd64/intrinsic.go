package amd64

import (
	"dvmlab/core/native/ir"
)

// intrinsicCalls reports whether an intrinsic (native.Intrinsic) calls the
// C library: floor and ceil do, through libm's, which round exactly as
// IEEE 754 roundToIntegral does (Math.floor and Math.ceil specify the
// same), so the code needs no SSE4.1 roundsd; sqrt and abs are one SSE2
// instruction.
func intrinsicCalls(v *ir.Value) bool {
	return v.Sym.Name == "floor" || v.Sym.Name == "ceil"
}

// intrinsic computes a Math call in place of an upcall into the JVM.
func (g *gen) intrinsic(v *ir.Value) {
	x := v.Args[0]
	switch v.Sym.Name {
	case "floor", "ceil":
		g.ldx(0, x)
		g.ins("call %s@PLT", v.Sym.Name)
		g.stx(v, 0)
	case "sqrt":
		// sqrtsd is IEEE 754's correctly rounded square root, which
		// Math.sqrt asks for (JLS §4.2.4 and its javadoc).
		g.ldx(14, x)
		g.ins("sqrtsd xmm14, xmm14")
		g.stx(v, 14)
	case "abs":
		g.ldx(14, x)
		if v.Type == ir.Float {
			g.ins("mov eax, 0x7fffffff")
			g.ins("movd xmm15, eax")
		} else {
			g.ins("movabs rax, 0x7fffffffffffffff")
			g.ins("movq xmm15, rax")
		}
		g.ins("andps xmm14, xmm15")
		g.stx(v, 14)
	default:
		panic("amd64: no intrinsic " + v.Sym.String() + " though native.Intrinsic names it")
	}
}

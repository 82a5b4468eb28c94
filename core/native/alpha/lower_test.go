package alpha

import (
	"strings"
	"testing"

	"dvmlab/core/native/ir"
)

// TestForeignFieldStaysBytecode: a field of another class (sunflow's
// BoundingBox reading Point3.z) has no layout in the Alpha runtime, so the
// method is refused with the reason instead of failing at link.
func TestForeignFieldStaysBytecode(t *testing.T) {
	f := ir.NewFunc("p/Box", "z", "()F", false)
	f.Params = []ir.Type{ir.Object}
	f.Result = ir.Float
	b := f.NewBlock(0)
	recv := b.NewValue(ir.OpParam, ir.Object, 0)
	pt := b.NewValue(ir.OpGetField, ir.Object, 1, recv)
	pt.Sym = &ir.Sym{Owner: "p/Box", Name: "min", Desc: "Lp/Point3;"}
	z := b.NewValue(ir.OpGetField, ir.Float, 4, pt)
	z.Sym = &ir.Sym{Owner: "p/Point3", Name: "z", Desc: "F"}
	b.Kind = ir.Return
	b.Controls = []*ir.Value{z}
	_, err := Lower(f, EV67)
	if err == nil || !strings.Contains(err.Error(), "needs the JVM") {
		t.Fatalf("Lower: %v; want a refusal naming the object", err)
	}

	// The receiver's own int field compiles.
	g := ir.NewFunc("p/Box", "n", "()I", false)
	g.Params = []ir.Type{ir.Object}
	g.Result = ir.Int
	c := g.NewBlock(0)
	r := c.NewValue(ir.OpParam, ir.Object, 0)
	n := c.NewValue(ir.OpGetField, ir.Int, 1, r)
	n.Sym = &ir.Sym{Owner: "p/Box", Name: "n", Desc: "I"}
	c.Kind = ir.Return
	c.Controls = []*ir.Value{n}
	text, err := Lower(g, EV4)
	if err != nil || !strings.Contains(text, "dvm_fo_p_Box_n") {
		t.Fatalf("Lower: %v\n%s", err, text)
	}
}

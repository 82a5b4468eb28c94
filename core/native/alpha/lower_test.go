package alpha

import (
	"slices"
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

// TestStaticsInNameOrder: the .comm lines of the statics a method reads
// come in name order, so one method always assembles to the same text
// (they followed map order, and jzlib's assembly differed between runs).
func TestStaticsInNameOrder(t *testing.T) {
	f := ir.NewFunc("p/S", "sum", "()I", true)
	f.Result = ir.Int
	b := f.NewBlock(0)
	var sum *ir.Value
	for _, name := range []string{"m", "c", "x", "a", "q", "b", "z", "k"} {
		v := b.NewValue(ir.OpGetStatic, ir.Int, 0)
		v.Sym = &ir.Sym{Owner: "p/S", Name: name, Desc: "I"}
		if sum == nil {
			sum = v
		} else {
			sum = b.NewValue(ir.OpAdd, ir.Int, 0, sum, v)
		}
	}
	b.Kind = ir.Return
	b.Controls = []*ir.Value{sum}
	var comms []string
	for _, line := range strings.Split(mustLower(t, f), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), ".comm ") {
			comms = append(comms, strings.TrimSpace(line))
		}
	}
	if len(comms) != 8 || !slices.IsSorted(comms) {
		t.Errorf(".comm lines %q: want the 8 statics in name order", comms)
	}
}

func mustLower(t *testing.T, f *ir.Func) string {
	t.Helper()
	text, err := Lower(f, EV67)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

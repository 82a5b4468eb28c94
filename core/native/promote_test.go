package native

import (
	"testing"

	"dvmlab/core/native/ir"
)

// TestPromoteFields checks which fields testdata/Promote.java's methods keep
// in values (read at the entry only, stores deferred) and which stay JNI
// accesses. HotSpot's verdict on the same methods, compiled, comes from
// `dvmlab compile --exec 'Promote.accumulate([II)V' …` (see the file).
func TestPromoteFields(t *testing.T) {
	c := javac(t, "Promote")
	for _, k := range []struct {
		name, desc string
		promoted   []string // fields read at the entry only, stored deferred
		kept       []string // fields read or written where the code does
	}{
		{"accumulate", "([II)V", []string{"acc", "total", "mean"}, nil},
		{"divide", "(II)I", []string{"hits", "sum"}, nil},
		{"maybe", "(I)V", []string{"scale", "acc", "total"}, nil},
		{"mixed", "(I)I", []string{"acc"}, []string{"seen"}},
		{"alias", "(LPromote;I)I", nil, []string{"acc"}},
	} {
		f, err := Translate(c, c.Method(k.name, k.desc))
		if err != nil {
			t.Fatal(err)
		}
		if err := Optimize(f, nil); err != nil {
			t.Fatal(err)
		}
		type count struct{ reads, entryReads, stores, deferred int }
		n := map[string]*count{}
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Sym == nil || v.Op < ir.OpGetStatic || v.Op > ir.OpPutField {
					continue
				}
				cn := n[v.Sym.Name]
				if cn == nil {
					cn = &count{}
					n[v.Sym.Name] = cn
				}
				switch v.Op {
				case ir.OpGetStatic, ir.OpGetField:
					cn.reads++
					if b == f.Blocks[0] {
						cn.entryReads++
					}
				default:
					cn.stores++
					if v.AuxInt == Deferred {
						cn.deferred++
					}
				}
			}
		}
		for _, name := range k.promoted {
			cn := n[name]
			if cn == nil || cn.reads != 1 || cn.entryReads != 1 || cn.stores == 0 || cn.deferred != cn.stores {
				t.Errorf("%s: %s not promoted (%+v):\n%s", k.name, name, cn, f)
			}
		}
		for _, name := range k.kept {
			cn := n[name]
			if cn == nil || cn.deferred != 0 || cn.reads == cn.entryReads {
				t.Errorf("%s: %s promoted (%+v):\n%s", k.name, name, cn, f)
			}
		}
	}
}

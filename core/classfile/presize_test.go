package classfile

import "testing"

// TestPresizeExact checks that presize counts what the reader then takes:
// every slab it sizes is used to the last element and never grows, on
// every class of java.base (the small class of the reader tests with
// -short). The stack map types have only a bound, which must hold.
func TestPresizeExact(t *testing.T) {
	classes := []corpusClass{{name: "tiny", data: tiny(t)}}
	if !testing.Short() {
		classes = append(classes, jdkClasses(t, "java.base")...)
	}
	for _, cc := range classes {
		p := parser{r: reader{b: cc.data}}
		c := p.header()
		if p.r.err != nil {
			t.Fatalf("%s: %v", cc.name, p.r.err)
		}
		p.presize()
		sl := &p.sl
		type slab struct {
			name string
			len  func() int
			cap  int
		}
		slabs := []slab{
			{"members", func() int { return len(sl.members) }, cap(sl.members)},
			{"memberPtrs", func() int { return len(sl.memberPtrs) }, cap(sl.memberPtrs)},
			{"attrs", func() int { return len(sl.attrs) }, cap(sl.attrs)},
			{"codes", func() int { return len(sl.codes) }, cap(sl.codes)},
			{"handlers", func() int { return len(sl.handlers) }, cap(sl.handlers)},
			{"lnts", func() int { return len(sl.lnts) }, cap(sl.lnts)},
			{"lines", func() int { return len(sl.lines) }, cap(sl.lines)},
			{"lvts", func() int { return len(sl.lvts) }, cap(sl.lvts)},
			{"vars", func() int { return len(sl.vars) }, cap(sl.vars)},
			{"smts", func() int { return len(sl.smts) }, cap(sl.smts)},
			{"frames", func() int { return len(sl.frames) }, cap(sl.frames)},
			{"raws", func() int { return len(sl.raws) }, cap(sl.raws)},
			{"sigs", func() int { return len(sl.sigs) }, cap(sl.sigs)},
			{"excs", func() int { return len(sl.excs) }, cap(sl.excs)},
			{"inners", func() int { return len(sl.inners) }, cap(sl.inners)},
		}
		vts := cap(sl.vts)
		c.Fields = p.members(locField)
		c.Methods = p.members(locMethod)
		p.r.what = ""
		c.Attributes = p.attributes(locClass)
		if p.r.err != nil {
			t.Fatalf("%s: %v", cc.name, p.r.err)
		}
		for _, s := range slabs {
			if s.len() != s.cap {
				t.Fatalf("%s: presize counted %d %s, the reader took %d", cc.name, s.cap, s.name, s.len())
			}
		}
		if len(sl.vts) > vts && vts > 0 {
			t.Fatalf("%s: presize bounded the stack map types at %d, the reader took %d", cc.name, vts, len(sl.vts))
		}
	}
}

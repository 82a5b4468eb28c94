package analyses

import (
	"runtime"
	"testing"

	"dvmlab/core/shadow"
)

// fiaWorkload feeds the FIA the events of objects made at one site whose
// fields are read and written as a typical object's are, without a JVM:
// an allocation, reads of three fields, and a write of one of them
// outside the constructor.
type fiaWorkload struct {
	a               *FIA
	thread          *shadow.ShadowThread
	site            *shadow.Site
	fields          [3]*shadow.Field
	alloc, get, put *shadow.Hook
	class           *shadow.ShadowClass
	ev              shadow.Event
	args            [3]any
}

func newFIAWorkload() *fiaWorkload {
	w := &fiaWorkload{a: &FIA{}, thread: &shadow.ShadowThread{ID: 1, Name: "main"}}
	w.a.Bind(nil) // no classes: references resolve to their owners
	hooks := map[string]*shadow.Hook{}
	for _, h := range w.a.Hooks() {
		hooks[h.Name] = h
	}
	w.alloc, w.get, w.put = hooks["alloc"], hooks["getfield"], hooks["putfield"]
	m := &shadow.Method{ID: 0, Class: "p/Main", Name: "main", Desc: "()V"}
	w.site = &shadow.Site{ID: 0, Method: m, Offset: 4, Op: "new", Operand: "p/Point"}
	for i, n := range []string{"x", "y", "z"} {
		w.fields[i] = &shadow.Field{ID: i, Owner: "p/Point", Name: n, Desc: "I"}
	}
	w.class = &shadow.ShadowClass{ID: 7, Name: "p/Point"}
	return w
}

// object runs one object's events and returns it.
func (w *fiaWorkload) object(id uint64) *shadow.ShadowObject {
	o := &shadow.ShadowObject{ID: id, Class: w.class}
	// One event and its arguments, reused, as the server reuses its
	// batches' memory.
	ev := func(h *shadow.Hook, args ...any) {
		w.ev = shadow.Event{Hook: h, Thread: w.thread, Args: w.args[:len(args)], Live: true}
		copy(w.args[:], args)
		h.Handle(&w.ev)
	}
	ev(w.alloc, o, w.site)
	for _, f := range w.fields {
		ev(w.get, o, f, int32(0))
	}
	ev(w.put, o, w.fields[1], int32(0))
	return o
}

// TestFIAObjectMemory bounds what the FIA keeps per object with three
// fields read and one written: its state, one allocation, and with the
// shadow object itself 128 bytes (measured: 2 allocations and 112 bytes,
// the shadow object's 64 and the state's 48; a state map per object and a
// map of field names in it took 8 allocations and 872 bytes).
func TestFIAObjectMemory(t *testing.T) {
	w := newFIAWorkload()
	w.object(1) // resolves the fields and makes the site's entry
	id := uint64(2)
	allocs := testing.AllocsPerRun(1000, func() {
		w.object(id)
		id++
	})
	if allocs > 2 {
		t.Errorf("%.1f allocations per object (want 2: the shadow object and its state)", allocs)
	}

	const n = 100000
	keep := make([]*shadow.ShadowObject, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range keep {
		keep[i] = w.object(id)
		id++
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perObject := float64(after.HeapAlloc-before.HeapAlloc) / n
	runtime.KeepAlive(keep)
	t.Logf("%.0f bytes per object, %.1f allocations", perObject, allocs)
	if perObject > 128 {
		t.Errorf("%.0f bytes per object kept, want at most 128", perObject)
	}
	if r := w.a.Sites(); len(r) != 1 || r[0].Objects != n+1002 || r[0].Mutated != n+1002 {
		t.Errorf("sites %+v, want one with %d objects, all mutated", r, n+1002)
	}
	if r := w.a.Fields(); len(r) != 3 || r[1].Verdict != Mutable || r[0].Verdict != Immutable {
		t.Errorf("fields %+v, want x immutable (only read), y mutable (written after a read)", r)
	}
}

// BenchmarkFIAObject is the analysis alone on the objects of
// fiaWorkload: time and bytes per object (five events each).
func BenchmarkFIAObject(b *testing.B) {
	w := newFIAWorkload()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w.object(uint64(i + 1))
	}
}

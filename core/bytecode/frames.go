package bytecode

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync/atomic"

	"dvmlab/core/classfile"
	"dvmlab/internal/slab"
)

// FrameResult tells what recomputation found beyond the frames themselves.
type FrameResult struct {
	MaxStack, MaxLocals int
	Frames              int
	DeadBlocks          int // unreachable blocks replaced by nop…athrow
	// Missing lists classes the hierarchy could not answer for; the merges
	// that needed them took the type the method's original StackMapTable
	// declared there (see FrameComputer).
	Missing []string
}

// ComputeFrames recomputes max_stack, max_locals and, for class versions 50
// and up, the StackMapTable of method m, by data-flow analysis over the
// verification types of JVMS §4.10.1. Existing frames are ignored. Classes
// older than 50 get no StackMapTable (they use the type-inferencing verifier,
// which handles jsr/ret); only their max values are recomputed.
//
// Like javac's output, unreachable code must still verify; each unreachable
// block is replaced by nop…nop athrow with a frame of its own, and removed
// from exception ranges, which changes the code and handler table in place.
func ComputeFrames(c *classfile.Class, m *classfile.Member, h Hierarchy) (*FrameResult, error) {
	return NewFrameComputer(c, h).Compute(m)
}

// FrameComputer computes frames for the methods of one class, sharing what
// it learns of the hierarchy and the class's Class entries between them.
type FrameComputer struct {
	c   *classfile.Class
	lat *Lattice
	// declared are frames to take as they are, by offset, for the next
	// Compute (see Editor.KeepFrames).
	declared map[int]*frame
	// hints gives the method's original frames, by offset in the code to
	// compute, for the next Compute; nil: the code's own StackMapTable.
	hints func() map[int]*frame
	// sl holds what the methods' results are cut from.
	sl outSlabs
	// gen tells this computer's entries in a scratch's memo of constants
	// from those another left (see cpMemo).
	gen uint64
}

// computers numbers the FrameComputers made, for their gen.
var computers atomic.Uint64

// outSlabs are the arrays the results of one class's methods are cut from:
// the StackMapTables (JVMS §4.7.4) and FrameResults of its methods live as
// long as the class, and one allocation per chunk costs far less than one
// per method and table.
type outSlabs struct {
	vts     []classfile.VerificationType
	frames  []classfile.StackMapFrame
	smts    []classfile.StackMapTable
	results []FrameResult
}

// NewFrameComputer prepares frame computation for class c.
//
// Where two references merge and the hierarchy lacks a class to find their
// common superclass, the method's original StackMapTable frame at that
// point, if any, names the type (javac knew the hierarchy), provided the
// known hierarchy agrees that it can be a supertype of both. Otherwise
// Compute fails with a *MissingClassesError: a guessed type would give
// frames HotSpot may reject.
func NewFrameComputer(c *classfile.Class, h Hierarchy) *FrameComputer {
	// One allocation for the computer and its lattice: a class's frames
	// are often computed and dropped in a few microseconds.
	both := &struct {
		fc    FrameComputer
		lat   Lattice
		names [16]string
		cls   [16 + len(wellKnown)]uint16
	}{lat: Lattice{h: h}}
	both.lat.names, both.lat.cls = both.names[:0], both.cls[:]
	fc := &both.fc
	*fc = FrameComputer{c: c, lat: &both.lat, gen: computers.Add(1)}
	// A result for each method, as most callers compute them all.
	fc.sl.results = make([]FrameResult, 0, len(c.Methods))
	return fc
}

// Compute is ComputeFrames for one method of the computer's class.
func (fc *FrameComputer) Compute(m *classfile.Member) (*FrameResult, error) {
	code := m.Code()
	if code == nil {
		return &FrameResult{}, nil
	}
	s := scratches.Get().(*scratch)
	d, a := &s.d, &s.a
	*d = frameDomain{lat: fc.lat, hints: fc.hints, a: a}
	*a = analyzer{c: fc.c, m: m, code: code, d: d, lat: fc.lat, s: s, insns: s.insns, declared: fc.declared, out: &fc.sl, gen: fc.gen}
	fc.declared, fc.hints = nil, nil
	r, err := a.run()
	s.insns = a.insns
	s.release()
	return r, err
}

// frameDomain is frame computation's value domain: lenient (the code is
// trusted; only its types are wanted), its joins the lattice's. Where the
// hierarchy lacks a class for a join, the method's original frame at that
// point names the type if the known hierarchy agrees it can be a supertype
// of both sides; otherwise the missing class is noted for a
// *MissingClassesError and the flow goes on (to find any other missing
// class) with java/lang/Object, which never reaches the output.
type frameDomain struct {
	lat *Lattice
	a   *analyzer
	// hints yields the original frames (nil: the code's own table);
	// hinted caches them.
	hints  func() map[int]*frame
	hinted map[int]*frame
	// settled and unsettled are the missing classes of joins the original
	// frames settled, and of those they did not.
	settled, unsettled map[string]bool
	// lenient joins what the hierarchy cannot answer as java/lang/Object
	// without failing: where no merged type reaches the output.
	lenient bool
}

func (d *frameDomain) Strict() bool                  { return false }
func (d *frameDomain) Lattice() *Lattice             { return d.lat }
func (d *frameDomain) Assignable(from, to Type) bool { return true }
func (d *frameDomain) Refers(Reference)              {}

func (d *frameDomain) Join(x, y Type, at Slot) (Type, bool, error) {
	t, ok, err := d.lat.Merge(x, y)
	if err == nil {
		// Most joins: asked before errors.As, whose target would escape
		// and cost an allocation per join.
		return t, ok, nil
	}
	var u *UnknownClassError
	if !errors.As(err, &u) {
		return t, ok, err
	}
	h, found := d.hint(at)
	// A local the original frame declares top is not used after the join
	// (the original code verified so): top is the join, and a supertype of
	// anything.
	if found && (h == tTop && !at.Stack || h.Kind() == KRef && d.lat.MayBeSuper(d.lat.Name(h), d.lat.Name(x)) && d.lat.MayBeSuper(d.lat.Name(h), d.lat.Name(y))) {
		if d.settled == nil {
			d.settled = map[string]bool{}
		}
		d.settled[u.Name] = true
		return h, h != tTop, nil
	}
	if !d.lenient {
		if d.unsettled == nil {
			d.unsettled = map[string]bool{}
		}
		d.unsettled[u.Name] = true
	}
	return tObject, true, nil
}

// hint is the type the original frame at declares for the slot (top for a
// local past its locals); found is false where there is no such frame.
func (d *frameDomain) hint(at Slot) (t Type, found bool) {
	a := d.a
	if d.hinted == nil {
		if d.hints != nil {
			d.hinted = d.hints()
		} else {
			d.hinted, _ = declaredFrames(d.lat, a.c, a.m, a.code)
		}
		if d.hinted == nil {
			d.hinted = map[int]*frame{}
		}
	}
	f := d.hinted[at.Offset]
	idx, ok := a.at.lookup(at.Offset)
	switch {
	case f == nil || !ok || a.in[idx] == nil:
	case at.Stack && len(f.stack) == len(a.in[idx].stack):
		return f.stack[at.Index], true
	case !at.Stack && at.Index < len(f.locals):
		return f.locals[at.Index], true
	case !at.Stack:
		return tTop, true
	}
	return tTop, false
}

func (a *analyzer) run() (*FrameResult, error) {
	var err error
	if cap(a.insns) < len(a.code.Code) {
		// A slot per code byte: this buffer is recycled, and then never
		// needs its instructions counted before decoding.
		a.insns = make([]Instruction, 0, len(a.code.Code)+len(a.code.Code)/4)
	}
	a.insns, err = decodeInto(a.insns, a.code.Code)
	if err != nil {
		return nil, a.fail(0, "%v", err)
	}
	a.old = a.c.Major < 50
	a.subroutines = a.old
	// Old classes get no frames, so no merged type reaches the output.
	d := a.d.(*frameDomain)
	d.lenient = d.lenient || a.old
	if a.straightLine() {
		return a.runStraight()
	}
	a.s.at = a.s.at.reset(a.insns, len(a.code.Code))
	a.at = a.s.at
	init, err := a.initialFrame()
	if err != nil {
		return nil, err
	}
	a.maxLocals = len(init.locals)
	if err := a.findBlocks(); err != nil {
		return nil, err
	}
	// The flow merges into the entry frame in place; the table needs it as
	// it was.
	a.initLocals = a.copyFrame(init).locals
	n := len(a.insns)
	a.s.in, a.s.reached = resize(a.s.in, n), resize(a.s.reached, n)
	a.in, a.reached = a.s.in, a.s.reached
	if err := a.flow(init); err != nil {
		return nil, err
	}
	if len(d.unsettled) > 0 {
		return nil, &MissingClassesError{Class: a.c.Name(), Method: a.scope(), Names: slices.Sorted(maps.Keys(d.unsettled))}
	}
	res := slab.One(&a.out.results)
	if !a.old {
		dead, err := a.neutralizeDeadCode()
		if err != nil {
			return nil, err
		}
		res.DeadBlocks = dead
	}
	a.code.MaxStack = uint16(a.maxStack)
	a.setMaxLocals()
	res.MaxStack, res.MaxLocals = a.maxStack, a.maxLocals
	// Drop any existing table; the old verifier ignores it, the new needs ours.
	a.dropStackMapTable()
	if !a.old {
		smt, err := a.stackMapTable()
		if err != nil {
			return nil, err
		}
		if len(smt.Frames) > 0 {
			a.code.Attributes = append(a.code.Attributes, smt)
		}
		res.Frames = len(smt.Frames)
	}
	if len(d.settled) > 0 {
		res.Missing = slices.Sorted(maps.Keys(d.settled))
	}
	return res, nil
}

// straightLine reports whether the code is one basic block: no handlers, no
// branches, nothing that ends a block before the last instruction. Most
// methods are (getters, constructors, delegations); they need no frames at
// all, only max values, so the flow analysis and its tables can be skipped.
func (a *analyzer) straightLine() bool {
	if len(a.code.Handlers) > 0 || len(a.insns) == 0 {
		return false
	}
	// A branch (jsr included) anywhere, or an end before the last.
	last := len(a.insns) - 1
	for i := range a.insns[:last] {
		if opTraits[a.insns[i].Op]&(opBranch|opEnds) != 0 {
			return false
		}
	}
	t := opTraits[a.insns[last].Op]
	return t&opBranch == 0 && t&opEnds != 0
}

// runStraight finds max_stack and max_locals of a straight-line method by
// its stack effects, which need only the number of locals the parameters
// take, or, where those do not tell, by executing it once from its entry
// frame to its end.
func (a *analyzer) runStraight() (*FrameResult, error) {
	params, _, err := ArgSlots(a.c.MemberDesc(a.m))
	if !a.m.Access.Has(classfile.AccStatic) {
		params++
	}
	ok := false
	if err == nil {
		a.maxStack, a.maxLocals, ok = a.maxStraight(params)
	}
	if !ok {
		// The machine says what is wrong, or finds what the sums cannot.
		a.s.at = a.s.at.reset(a.insns, len(a.code.Code))
		a.at = a.s.at
		init, err := a.initialFrame()
		if err != nil {
			return nil, err
		}
		a.maxStack, a.maxLocals = 0, len(init.locals)
		for i := range a.insns {
			if _, err := a.execute(&a.insns[i], init); err != nil {
				return nil, err
			}
		}
	}
	a.code.MaxStack = uint16(a.maxStack)
	a.setMaxLocals()
	// One block has no frames; a table left over from before would be wrong.
	a.dropStackMapTable()
	res := slab.One(&a.out.results)
	res.MaxStack, res.MaxLocals = a.maxStack, a.maxLocals
	return res, nil
}

func (a *analyzer) dropStackMapTable() {
	attrs := a.code.Attributes[:0]
	for _, at := range a.code.Attributes {
		if at.Name() != classfile.AttrStackMapTable {
			attrs = append(attrs, at)
		}
	}
	a.code.Attributes = attrs
}

type blockError struct {
	off int
	msg string
}

func (e *blockError) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.msg) }

// blockMarks marks the instructions that start a basic block: the first,
// branch targets, handler starts and whatever follows a branch or an
// instruction that ends a block. These are where frames go. See JVMS §4.10.1.
// need, when not nil, gets the block starts the type checker cannot carry
// the state into from the instruction before: all but the first and those
// only a conditional branch falls into (see stackMapTable).
func blockMarks(block, need []bool, insns []Instruction, at offsetIndex, code *classfile.Code) ([]bool, error) {
	n := len(insns)
	if n == 0 {
		return block, nil
	}
	block[0] = true
	mark := func(from, off int) error {
		i, ok := at.lookup(off)
		if !ok {
			return &blockError{from, fmt.Sprintf("branch target %d is not an instruction start", off)}
		}
		block[i] = true
		if need != nil {
			need[i] = true
		}
		return nil
	}
	for i := range insns {
		in := &insns[i]
		t := opTraits[in.Op]
		if t&(opBranch|opEnds) == 0 {
			continue // most instructions: one lookup
		}
		if t&opBranchOp != 0 {
			if err := mark(in.Offset, in.Target); err != nil {
				return nil, err
			}
		} else if in.Switch != nil {
			if err := mark(in.Offset, in.Switch.Default); err != nil {
				return nil, err
			}
			for _, t := range in.Switch.Targets {
				if err := mark(in.Offset, t); err != nil {
					return nil, err
				}
			}
		}
		if i+1 < n {
			block[i+1] = true
			if need != nil && t&opEnds != 0 {
				need[i+1] = true
			}
		}
	}
	end := len(code.Code)
	for hi, h := range code.Handlers {
		if int(h.StartPC) >= int(h.EndPC) || int(h.EndPC) > end {
			return nil, &blockError{int(h.StartPC), fmt.Sprintf("exception handler %d has an empty or out-of-range range [%d, %d)", hi, h.StartPC, h.EndPC)}
		}
		if err := mark(int(h.HandlerPC), int(h.HandlerPC)); err != nil {
			return nil, err
		}
	}
	return block, nil
}

// BlockStarts returns the offsets at which the basic blocks of code begin,
// in order: where a profiler puts its probes.
func BlockStarts(code *classfile.Code, insns []Instruction) ([]int, error) {
	marks, err := blockMarks(make([]bool, len(insns)), nil, insns, offsetIndex(nil).reset(insns, len(code.Code)), code)
	if err != nil {
		return nil, err
	}
	var out []int
	for i, b := range marks {
		if b {
			out = append(out, insns[i].Offset)
		}
	}
	return out, nil
}

// neutralizeDeadCode replaces each unreachable block with nops ending in
// athrow, gives it a frame of its own (no locals, a Throwable on the stack)
// and cuts it out of exception ranges, so that the type checker, which visits
// every instruction, accepts it.
func (a *analyzer) neutralizeDeadCode() (int, error) {
	if a.nreached == len(a.insns) {
		return 0, nil
	}
	dead := 0
	for i := 0; i < len(a.insns); {
		if a.reached[i] {
			i++
			continue
		}
		j := i
		for j < len(a.insns) && !a.reached[j] {
			j++
		}
		start := a.insns[i].Offset
		end := len(a.code.Code)
		if j < len(a.insns) {
			end = a.insns[j].Offset
		}
		for k := start; k < end-1; k++ {
			a.code.Code[k] = byte(Nop)
		}
		a.code.Code[end-1] = byte(Athrow)
		a.cutHandlers(start, end)
		// Re-decode the neutralized block as one entry so frames line up.
		a.in[i] = &frame{stack: []Type{tThrowable}}
		a.block[i], a.reached[i] = true, true
		for k := i + 1; k < j; k++ {
			a.in[k] = nil
			a.block[k] = false
		}
		if a.maxStack < 1 {
			a.maxStack = 1
		}
		dead++
		i = j
	}
	if dead > 0 {
		insns, err := Decode(a.code.Code)
		if err != nil {
			return 0, a.fail(0, "after removing dead code: %v", err)
		}
		// Carry the entry frames over to the new instruction list by offset.
		in := make([]*frame, len(insns))
		block := make([]bool, len(insns))
		for k := range a.insns {
			if a.in[k] == nil {
				continue
			}
			off := a.insns[k].Offset
			idx := sort.Search(len(insns), func(x int) bool { return insns[x].Offset >= off })
			if idx < len(insns) && insns[idx].Offset == off {
				in[idx], block[idx] = a.in[k], a.block[k]
			}
		}
		a.insns, a.in, a.block = insns, in, block
		a.redecoded = true
	}
	return dead, nil
}

// indexOf is the index of the instruction at offset off, in the
// instructions as they are now (see neutralizeDeadCode).
func (a *analyzer) indexOf(off int) (int, bool) {
	if !a.redecoded {
		return a.at.lookup(off)
	}
	i := sort.Search(len(a.insns), func(x int) bool { return a.insns[x].Offset >= off })
	return i, i < len(a.insns) && a.insns[i].Offset == off
}

// cutHandlers removes [start, end) from every exception range, splitting or
// dropping entries as needed.
func (a *analyzer) cutHandlers(start, end int) {
	var out []classfile.ExceptionHandler
	for _, h := range a.code.Handlers {
		s, e := int(h.StartPC), int(h.EndPC)
		if e <= start || s >= end {
			out = append(out, h)
			continue
		}
		if s < start {
			l := h
			l.EndPC = uint16(start)
			out = append(out, l)
		}
		if e > end {
			r := h
			r.StartPC = uint16(end)
			out = append(out, r)
		}
	}
	a.code.Handlers = out
}

// stackMapTable emits a frame at every reached block start but the first,
// each in the most compact form JVMS §4.7.4 allows.
func (a *analyzer) stackMapTable() (*classfile.StackMapTable, error) {
	out := a.out
	smt := slab.One(&out.smts)
	// The scratch's index serves one class at a time: the methods of a
	// class usually run one after another on one scratch, and a class's
	// first method with frames resets it.
	pool := &a.s.classes
	if pool.gen != a.gen || pool.pool != &a.c.Pool {
		pool.reset(&a.c.Pool, a.gen)
	}
	// A frame goes where the type checker cannot carry the state over from
	// the instruction before (JVMS §4.10.1): at branch targets, handlers and
	// after an instruction that does not fall through, and where a frame
	// was declared to stand. A block that only a conditional branch falls
	// into starts with the state the branch leaves, which the checker
	// computes itself: javac and ASM give it no frame, nor do we. blockMarks
	// marked those places by instruction (need); where dead code was
	// removed, the instructions are new and they are marked again here.
	need := a.need
	if a.redecoded {
		need = resize(a.s.need, len(a.insns))
		a.s.need = need
		mark := func(off int) {
			if i, ok := a.indexOf(off); ok {
				need[i] = true
			}
		}
		for k := range a.insns {
			in := &a.insns[k]
			if in.Op.IsBranchOp() {
				mark(in.Target)
			} else if in.Switch != nil {
				mark(in.Switch.Default)
				for _, t := range in.Switch.Targets {
					mark(t)
				}
			}
			if k > 0 && a.insns[k-1].EndsBlock() {
				need[k] = true
			}
		}
		for _, h := range a.code.Handlers {
			mark(int(h.HandlerPC))
		}
	}
	// Offset 0 needs an explicit frame only when something jumps there: the
	// implicit initial frame covers the method's entry alone.
	targeted0 := len(need) > 0 && need[0]
	for off := range a.declared {
		if i, ok := a.indexOf(off); ok {
			need[i] = true
		}
	}
	// The instructions that get a frame, in order.
	at := a.s.frameAt[:0]
	for i := range a.insns {
		if need[i] && a.block[i] && a.in[i] != nil && (i > 0 || targeted0) {
			at = append(at, int32(i))
		}
	}
	a.s.frameAt = at
	frames := len(at)
	// Every frame's entries are carved from one growing slab; a slab that
	// moves leaves the frames cut before it on the old array, which is fine.
	smt.Frames = slab.Carve(&out.frames, frames)[:0]
	// The slab is the rest of the class's chunk, at least the size most
	// tables need; what the table leaves unused goes back to the chunk.
	if room := (frames + 1) * (len(a.initLocals) + 2); cap(out.vts)-len(out.vts) < room {
		out.vts = make([]classfile.VerificationType, 0, max(room, 256))
	}
	base := len(out.vts)
	slab := out.vts[base:base:cap(out.vts)]
	defer func() {
		if cap(slab) == cap(out.vts)-base && (cap(slab) == 0 || &slab[:1][0] == &out.vts[base : base+1][0]) {
			out.vts = out.vts[:base+len(slab)]
		} else {
			// The slab moved on: frames cut before keep the chunk's tail.
			out.vts = out.vts[:cap(out.vts)]
		}
	}()
	// Each frame's locals are compared with the last frame's as types, slot
	// by slot: only the slots after what they share are turned into
	// entries, and most frames (same, same_locals_1, chop) store none.
	// prev holds the last frame's locals, prevVT their entries.
	prev := a.initLocals[:localsEnd(a.initLocals)]
	prevVT, err := toVerification(a.s.prevVT[:0], a.lat, pool, prev, 0)
	if err != nil {
		return nil, err
	}
	prevOff := -1
	for _, i := range at {
		f := a.in[i]
		locals := f.locals[:localsEnd(f.locals)]
		p, q := sharedLocals(prev, locals)
		rest, err := toVerification(a.s.restVT[:0], a.lat, pool, locals, p)
		if err != nil {
			return nil, err
		}
		a.s.restVT = rest
		// Slots of other types can still give the same entries (top for a
		// return address, a lone half of a long).
		for len(rest) > 0 && q < len(prevVT) && rest[0] == prevVT[q] {
			rest, q = rest[1:], q+1
		}
		start := len(slab)
		if slab, err = toVerification(slab, a.lat, pool, f.stack, 0); err != nil {
			return nil, err
		}
		stack := slab[start:len(slab):len(slab)]
		off := a.insns[i].Offset
		delta := uint16(off - prevOff - 1)
		same := len(rest) == 0 && q == len(prevVT)
		var fr classfile.StackMapFrame
		// The smallest form of JVMS §4.7.4 that says it.
		switch {
		case same && len(stack) == 0 && delta <= classfile.FrameSameMax:
			fr = classfile.StackMapFrame{Type: uint8(delta), OffsetDelta: delta}
		case same && len(stack) == 0:
			fr = classfile.StackMapFrame{Type: classfile.FrameSameExt, OffsetDelta: delta}
		case same && len(stack) == 1 && delta <= classfile.FrameSameLocals1Max-64:
			fr = classfile.StackMapFrame{Type: uint8(64 + delta), OffsetDelta: delta, Stack: stack}
		case same && len(stack) == 1:
			fr = classfile.StackMapFrame{Type: classfile.FrameSameLocals1Ext, OffsetDelta: delta, Stack: stack}
		case len(stack) == 0 && len(rest) == 0 && len(prevVT)-q <= 3:
			fr = classfile.StackMapFrame{Type: uint8(251 - (len(prevVT) - q)), OffsetDelta: delta}
			prevVT = prevVT[:q]
		case len(stack) == 0 && q == len(prevVT) && len(rest) <= 3:
			slab = append(slab, rest...)
			fr = classfile.StackMapFrame{Type: uint8(251 + len(rest)), OffsetDelta: delta, Locals: slab[start:len(slab):len(slab)]}
			prevVT = append(prevVT, rest...)
		default:
			prevVT = append(prevVT[:q], rest...)
			l := len(slab)
			slab = append(slab, prevVT...)
			fr = classfile.StackMapFrame{Type: classfile.FrameFull, OffsetDelta: delta, Locals: slab[l:len(slab):len(slab)], Stack: stack}
		}
		smt.Frames = append(smt.Frames, fr)
		prev, prevOff = locals, off
	}
	a.s.prevVT = prevVT
	return smt, nil
}

// classIndex finds or adds Class entries for frame types. Looking among the
// Class entries alone is far cheaper than the pool's full index, which a
// class whose frames name only existing classes never needs.
type classIndex struct {
	pool *classfile.ConstantPool
	// names holds, by text, every Utf8 entry and the Class entry naming
	// it, once more than a few names were searched for.
	names map[string]poolName
	// misses counts the names no Class entry had: the first few are
	// searched for in the pool, after that names is built.
	misses int
	// recent remembers the last names by a hash of their length and two
	// bytes: frame after frame repeats the same few types, and comparing a
	// string beats hashing it.
	recent [64]recentName
	// list holds the indices of the pool's first listed entries that are
	// Class entries, in order.
	list   []uint16
	listed int
	// gen is the FrameComputer's the index serves (see cpMemo); indexed
	// tells whether names holds the pool's names.
	gen     uint64
	indexed bool
}

type recentName struct {
	name string
	idx  uint16
}

// poolName is where a text is in the pool: its Utf8 entry and the Class
// entry naming it, 0 where there is none.
type poolName struct{ utf8, class uint16 }

// linearMisses is how many names are searched for by scanning the pool
// before names is built: most classes' frames (if any) name a handful of
// types, and a scan that compares lengths first costs less than hashing
// the whole pool.
const linearMisses = 16

// reset empties x for pool, of the FrameComputer gen.
func (x *classIndex) reset(pool *classfile.ConstantPool, gen uint64) {
	// The map is sized for the last class's pool: emptying it costs as much
	// as making one for the next.
	x.names = nil
	x.pool, x.gen, x.misses, x.indexed = pool, gen, 0, false
	x.list, x.listed = x.list[:0], 0
	x.recent = [64]recentName{}
}

func (x *classIndex) AddClass(name string) (uint16, error) {
	h := len(name)
	if h > 0 {
		h = h*7 + int(name[h-1]) + int(name[h/2])*3
	}
	r := &x.recent[h&63]
	if r.name == name && r.idx != 0 {
		return r.idx, nil
	}
	var i uint16
	var err error
	if x.indexed {
		i, err = x.lookup(name)
	} else {
		i, err = x.scan(name)
	}
	if err != nil {
		return 0, err
	}
	r.name, r.idx = name, i
	return i, nil
}

// scan finds the Class entry for name among the pool's Class entries, a
// few in most classes; where there is none it adds one, naming the first
// Utf8 entry of that text if there is one, which takes a scan of the whole
// pool: after linearMisses of those, names is built instead.
func (x *classIndex) scan(name string) (uint16, error) {
	es := x.pool.Entries
	// The list covers the pool as it is now, entries added since included.
	for i := x.listed; i < len(es); i++ {
		if es[i].Tag == classfile.TagClass && i > 0 {
			x.list = append(x.list, uint16(i))
		}
	}
	x.listed = max(x.listed, len(es))
	for _, i := range x.list {
		if a := int(es[i].A); a < len(es) {
			if t := &es[a]; len(t.Str) == len(name) && t.Tag == classfile.TagUtf8 && t.Str == name {
				return i, nil
			}
		}
	}
	if x.misses++; x.misses > linearMisses {
		return x.lookup(name)
	}
	var u uint16
	for i := 1; i < len(es); i++ {
		if e := &es[i]; len(e.Str) == len(name) && e.Tag == classfile.TagUtf8 && e.Str == name {
			u = uint16(i)
			break
		}
	}
	return x.add(name, u)
}

// lookup finds or adds the Class entry for name through names.
func (x *classIndex) lookup(name string) (uint16, error) {
	if !x.indexed {
		x.indexed = true
		es := x.pool.Entries
		n := 0
		for i := range es {
			if es[i].Tag == classfile.TagUtf8 {
				n++
			}
		}
		x.names = make(map[string]poolName, n+16)
		// Backwards, so that of equal entries the first wins; Utf8 entries
		// first, so that most are stored without being looked up.
		for i := len(es) - 1; i > 0; i-- {
			if e := &es[i]; e.Tag == classfile.TagUtf8 {
				x.names[e.Str] = poolName{utf8: uint16(i)}
			}
		}
		for i := len(es) - 1; i > 0; i-- {
			if e := &es[i]; e.Tag == classfile.TagClass {
				t := x.pool.Utf8(e.A)
				p := x.names[t]
				p.class = uint16(i)
				x.names[t] = p
			}
		}
	}
	p := x.names[name]
	if p.class != 0 {
		return p.class, nil
	}
	i, err := x.add(name, p.utf8)
	if err == nil {
		x.names[name] = poolName{utf8: x.pool.Entries[i].A, class: i}
	}
	return i, err
}

// add appends a Class entry for name, with the Utf8 entry u of its text,
// or a new one where u is 0.
func (x *classIndex) add(name string, u uint16) (uint16, error) {
	if u == 0 {
		var err error
		if u, err = x.pool.Append(classfile.Constant{Tag: classfile.TagUtf8, Str: name}); err != nil {
			return 0, err
		}
	}
	return x.pool.Append(classfile.Constant{Tag: classfile.TagClass, A: u})
}

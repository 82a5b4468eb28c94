package bytecode

import (
	"fmt"
	"sync"

	"dvmlab/core/classfile"
)

// This file is the package's one abstract interpreter over the
// verification types of JVMS §4.10: the analyzer owns control flow (basic
// blocks, the work list, exception handlers, subroutines), merging and the
// stack map frames a method declares; interp.go's machine owns what each
// instruction does to the types; a Domain says how strictly operands are
// judged and what the hierarchy cannot answer means. Frame computation
// (frames.go) is the lenient domain, the verifier (core/verify) the strict
// one.

// Domain is the part of an analysis the analyzer and its machine leave
// open.
type Domain interface {
	// Strict reports whether a broken type rule is an error (the verifier)
	// or goes unremarked, the machine carrying on with the rule's result
	// (frame computation, which trusts the code and wants its types).
	Strict() bool
	// Lattice is the lattice the analysis's Types are numbered in and
	// merged by: one per class.
	Lattice() *Lattice
	// Assignable reports whether a value of type from may be used where to
	// is expected (JVMS §4.10.1.2). Strict analyses ask it for operands and
	// for states reaching a declared frame.
	Assignable(from, to Type) bool
	// Join is the type slot at holds where paths bring a and b (JVMS
	// §4.10.1.2, §4.10.2.2); ok false when only top bounds them.
	Join(a, b Type, at Slot) (t Type, ok bool, err error)
	// Refers notes that an instruction uses a field or method of another
	// class. Only strict analyses are told: frame computation needs no
	// references, and building one per call and field access costs.
	Refers(r Reference)
}

// Slot names a slot of the state before an instruction, where a Join
// happens: a local or a stack slot. Offset is -1 for the state a
// subroutine returns with.
type Slot struct {
	Offset int
	Stack  bool
	Index  int
}

// Reference is a field or method of another class that code uses.
type Reference struct {
	Field, Interface bool // a field; else a method of a class or interface
	Class, Name      string
	Desc             string
	Static           bool
}

// FrameError says which method and offset an analysis failed at and why.
type FrameError struct {
	Class, Method string
	Offset        int
	Msg           string
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("%s.%s: offset %d: %s", e.Class, e.Method, e.Offset, e.Msg)
}

// frame is the type state before one instruction: locals and stack in slots.
type frame struct {
	locals []Type
	stack  []Type
}

// scratch is what analysing one method needs and the next can reuse: the
// decoded instructions, the per-instruction tables and the slabs the entry
// frames are carved from. Nothing in it outlives an analysis, so recycling
// it saves most of the allocation (and collection) per method.
type scratch struct {
	insns   []Instruction
	at      offsetIndex
	in      []*frame
	block   []bool
	reached []bool
	queued  []bool
	slots   []Type  // entry frames' locals and stacks
	frames  []frame // entry frames themselves
	// entry and work are the method's entry state and the state the flow
	// updates in place.
	entry, work frame
	// handlerStart and handlerList list the handlers per instruction, and
	// handlerFill is where findBlocks fills them in (see findBlocks).
	handlerStart, handlerList, handlerFill []int32
	// caught is the state a handler is entered with (see mergeHandler).
	caught frame
	// classes finds the Class entries of frame types (see classIndex).
	classes classIndex
	// need marks the instructions that get a frame, frameAt lists them
	// (see stackMapTable).
	need    []bool
	frameAt []int32
	// prevVT and restVT are the last frame's locals as entries and the
	// entries a frame's locals add to what it shares with the last.
	prevVT, restVT []classfile.VerificationType
	// worklist holds the block starts the flow is still to visit.
	worklist []int
	// cp is what the constants instructions name were read as (see
	// cpMemo).
	cp []cpMemo
	// a and d are frame computation's analyzer and domain, reused.
	a analyzer
	d frameDomain
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// release returns s to the pool, keeping its arrays.
func (s *scratch) release() {
	s.insns = s.insns[:0]
	s.slots = s.slots[:0]
	s.frames = s.frames[:0]
	clear(s.in)
	s.a, s.d = analyzer{}, frameDomain{}
	scratches.Put(s)
}

// resize returns s with length n, zeroed, reusing its array when it can.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// copyFrame copies f into the slabs. The copy's slices are capped so that
// nothing appended to them can run into a neighbour.
func (a *analyzer) copyFrame(f *frame) *frame {
	s := a.s
	nl, n := len(f.locals), len(f.locals)+len(f.stack)
	if cap(s.slots)-len(s.slots) < n {
		// Earlier frames keep the old array alive; only new ones move on.
		s.slots = make([]Type, 0, max(1024, 2*n))
	}
	start := len(s.slots)
	s.slots = append(s.slots, f.locals...)
	s.slots = append(s.slots, f.stack...)
	v := s.slots[start:]
	if len(s.frames) == cap(s.frames) {
		s.frames = make([]frame, 0, 64)
	}
	s.frames = append(s.frames, frame{locals: v[:nl:nl], stack: v[nl:n:n]})
	return &s.frames[len(s.frames)-1]
}

type analyzer struct {
	s      *scratch
	c      *classfile.Class
	m      *classfile.Member
	code   *classfile.Code
	d      Domain
	lat    *Lattice // d's
	strict bool
	insns  []Instruction
	at     offsetIndex // offset -> instruction index
	in     []*frame    // entry frame per basic block start (nil: not reached yet)
	block  []bool      // instruction index starts a basic block
	// need marks the block starts that get a frame (frame computation's;
	// see blockMarks), by index into insns until redecoded says dead code
	// removal decoded them anew.
	need      []bool
	redecoded bool
	// reached marks every instruction the flow walked; the rest is dead
	// code. nreached counts them.
	reached  []bool
	nreached int
	// handlerList[handlerStart[i]:handlerStart[i+1]] lists the exception
	// handlers covering instruction i; nil when the code has none.
	handlerStart, handlerList []int32
	// maxStack and maxLocals are computed by a lenient analysis, limits to
	// a strict one.
	maxStack, maxLocals int
	initLocals          []Type // the entry frame's locals
	ret                 Type   // the method's return type, top for void
	isInit              bool   // the method is an instance initializer
	// subroutines allows jsr and ret (type inference, JVMS §4.10.2.4).
	subroutines bool
	sub         *subState
	// declared frames, by offset, stand as they are: merging into one only
	// reaches it (as the JVM's type checker takes a stack map frame), or,
	// when typecheck, checks that the state is assignable to it.
	declared  map[int]*frame
	typecheck bool
	// Frame computation's: the class version is below 50 (no frames).
	old bool
	out *outSlabs // the FrameComputer's, for the results
	// oneRef is the member reference decoded last.
	oneRef refInfo
	// x executes one instruction (see execute).
	x exec
	// gen identifies the FrameComputer (and so the class) in the scratch's
	// memo of constants; 0: no memo.
	gen uint64
}

func (a *analyzer) fail(off int, format string, args ...any) error {
	return &FrameError{Class: a.c.Name(), Method: a.scope(), Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// scope is the method's name and descriptor.
func (a *analyzer) scope() string { return a.c.MemberName(a.m) + a.c.MemberDesc(a.m) }

// Check runs the strict analysis of method m, with insns its decoded code,
// for a verifier: type checking against the method's StackMapTable (JVMS
// §4.10.1) when typecheck, else type inference with subroutines (§4.10.2).
// The domain must be strict. Errors are *FrameError; Offset is -1 where no
// instruction is to blame.
func Check(c *classfile.Class, m *classfile.Member, insns []Instruction, d Domain, typecheck bool) error {
	code := m.Code()
	a := &analyzer{c: c, m: m, code: code, d: d, lat: d.Lattice(), strict: true, insns: insns, s: new(scratch),
		maxStack: int(code.MaxStack), maxLocals: int(code.MaxLocals), subroutines: !typecheck}
	a.at = offsetIndex(nil).reset(insns, len(code.Code))
	init, err := a.initialFrame()
	if err != nil {
		return err
	}
	if typecheck {
		a.typecheck = true
		if a.declared, err = expandStackMap(a.lat, c, m, code, init.locals, a); err != nil {
			return err
		}
	}
	if err := a.findBlocks(); err != nil {
		return err
	}
	n := len(insns)
	a.in, a.reached = make([]*frame, n), make([]bool, n)
	return a.flow(init)
}

// findBlocks marks the basic-block starts and which handlers cover which
// instruction.
func (a *analyzer) findBlocks() error {
	var err error
	a.s.block = resize(a.s.block, len(a.insns))
	if !a.strict {
		a.s.need = resize(a.s.need, len(a.insns))
		a.need = a.s.need
	}
	a.block, err = blockMarks(a.s.block, a.need, a.insns, a.at, a.code)
	if err != nil {
		return a.fail(err.(*blockError).off, "%s", err.(*blockError).msg)
	}
	for off := range a.declared {
		if i, ok := a.at.lookup(off); ok {
			a.block[i] = true
		}
	}
	if len(a.code.Handlers) == 0 {
		return nil
	}
	// Each instruction's list is a stretch of one array: counted per
	// instruction, then filled handler by handler, so each lists its
	// handlers in table order. Instruction i's is
	// handlerList[handlerStart[i]:handlerStart[i+1]].
	n := len(a.insns)
	s := a.s
	s.handlerStart = resize(s.handlerStart, n+1)
	start := s.handlerStart
	for _, h := range a.code.Handlers {
		i, ok := a.at.lookup(int(h.StartPC))
		if !ok {
			return a.fail(int(h.StartPC), "exception range start %d is not an instruction start", h.StartPC)
		}
		for ; i < n && a.insns[i].Offset < int(h.EndPC); i++ {
			start[i+1]++
		}
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	s.handlerList = resize(s.handlerList, int(start[n]))
	fill := append(s.handlerFill[:0], start...)
	s.handlerFill = fill
	for hi, h := range a.code.Handlers {
		i, _ := a.at.lookup(int(h.StartPC))
		for ; i < n && a.insns[i].Offset < int(h.EndPC); i++ {
			s.handlerList[fill[i]] = int32(hi)
			fill[i]++
		}
	}
	a.handlerStart, a.handlerList = start, s.handlerList
	return nil
}

// initialFrame is the type state on method entry (JVMS §4.10.1.6); a strict
// analysis pads the locals to max_locals with top.
func (a *analyzer) initialFrame() (*frame, error) {
	name, desc := a.c.MemberName(a.m), a.c.MemberDesc(a.m)
	a.isInit = name == "<init>"
	var f *frame
	if a.s != nil {
		// The slabs are reused method after method; the entry state is
		// copied wherever it must outlive the next one.
		f = &a.s.entry
		f.locals, f.stack = f.locals[:0], f.stack[:0]
	} else {
		f = &frame{}
	}
	if !a.m.Access.Has(classfile.AccStatic) {
		if a.isInit && a.c.Name() != "java/lang/Object" {
			f.locals = append(f.locals, tUninitThis)
		} else {
			f.locals = append(f.locals, a.lat.Ref(a.c.Name()))
		}
	}
	ret, err := walkDesc(desc, func(v VType) {
		t := a.lat.Type(v)
		f.locals = append(f.locals, t)
		if t.Size() == 2 {
			f.locals = append(f.locals, t.second())
		}
	})
	if err != nil {
		return nil, a.fail(-1, "%v", err)
	}
	a.ret = a.lat.Type(ret)
	if a.strict {
		if len(f.locals) > a.maxLocals {
			return nil, a.fail(0, "the arguments take %d locals, max_locals is %d", len(f.locals), a.maxLocals)
		}
		for len(f.locals) < a.maxLocals {
			f.locals = append(f.locals, tTop)
		}
	}
	return f, nil
}

// flow runs the work-list algorithm to a fixed point. Entry frames are kept
// for block starts only; inside a block one working frame is updated in
// place, so the analysis allocates per block, not per instruction. Type
// checking is the same walk: every declared frame is a block start, seeded
// as it stands, and what reaches it is checked rather than merged, so each
// instruction is visited once, in the state the table gives it.
func (a *analyzer) flow(init *frame) error {
	a.s.queued = resize(a.s.queued, len(a.insns))
	a.s.worklist = append(a.s.worklist[:0], 0)
	queued := a.s.queued
	queued[0] = true
	if a.typecheck {
		for i := range a.insns {
			off := a.insns[i].Offset
			d := a.declared[off]
			if i > 0 && d == nil && a.insns[i-1].EndsBlock() {
				return a.fail(off, "no stack map frame after an unconditional branch")
			}
			if d != nil {
				a.in[i] = a.copyFrame(d)
				a.push(i, i > 0)
			}
		}
		if a.in[0] != nil {
			if _, err := a.mergeInto(0, init, 0); err != nil {
				return err
			}
		} else {
			a.in[0] = init
		}
	} else {
		a.in[0] = init
	}
	cur := &a.s.work
	// The tables the loop reads at every instruction, in locals: the calls
	// it makes (execute, merges) would otherwise make it load them anew.
	insns, reached, block := a.insns, a.reached, a.block
	hStart, hList := a.handlerStart, a.handlerList
	for len(a.s.worklist) > 0 {
		work := a.s.worklist
		i := work[len(work)-1]
		a.s.worklist = work[:len(work)-1]
		queued[i] = false
		cur.locals = append(cur.locals[:0], a.in[i].locals...)
		cur.stack = append(cur.stack[:0], a.in[i].stack...)
		// fresh: the locals differ from those the previous instruction's
		// handlers saw (a block's entry, or after a store or an <init>).
		fresh := true
		for {
			in := &insns[i]
			if !reached[i] {
				reached[i] = true
				a.nreached++
			}
			// Handlers see the locals before every instruction they cover
			// (JVMS §4.10.1.6), and after an <init> call, where HotSpot's
			// type checker looks only there; unchanged locals need merging
			// only where a range begins. A store's handlers see only the
			// locals before it: the value stored reaches a handler through
			// the next instruction, if that is still in its range.
			var handlers []int32
			initCall := false
			if hStart != nil {
				handlers = hList[hStart[i]:hStart[i+1]]
				initCall = len(handlers) > 0 && in.Op == Invokespecial && a.callsInit(in)
				if !(initCall && a.typecheck) {
					for _, hi := range handlers {
						if fresh || i == 0 || !a.covers(int(hi), i-1) {
							if err := a.mergeHandler(int(hi), cur.locals, in.Offset); err != nil {
								return err
							}
						}
					}
				}
			}
			if a.subroutines && (in.Op == Jsr || in.Op == JsrW || in.Op == Ret) {
				if err := a.subroutine(i, cur); err != nil {
					return err
				}
				break
			}
			localsChanged, err := a.execute(in, cur)
			if err != nil {
				return err
			}
			fresh = localsChanged
			if len(handlers) > 0 && (initCall || (localsChanged && !isStore(in.Op))) {
				for _, hi := range handlers {
					if err := a.mergeHandler(int(hi), cur.locals, in.Offset); err != nil {
						return err
					}
				}
			}
			if t := opTraits[in.Op]; t&(opBranch|opEnds) != 0 {
				switch {
				case t&opBranchOp != 0:
					if err := a.mergeTarget(in.Offset, in.Target, cur); err != nil {
						return err
					}
				case in.Switch != nil:
					if err := a.mergeTarget(in.Offset, in.Switch.Default, cur); err != nil {
						return err
					}
					for _, t := range in.Switch.Targets {
						if err := a.mergeTarget(in.Offset, t, cur); err != nil {
							return err
						}
					}
				}
				if t&opEnds != 0 {
					break
				}
			}
			if i+1 >= len(insns) {
				return a.fail(in.Offset, "execution falls off the end of the code")
			}
			i++
			if block[i] {
				changed, err := a.mergeInto(i, cur, in.Offset)
				if err != nil {
					return err
				}
				a.push(i, changed)
				break
			}
		}
	}
	return nil
}

// push queues instruction idx for the flow if its entry state changed and
// it is not queued already.
func (a *analyzer) push(idx int, changed bool) {
	if changed && !a.s.queued[idx] {
		a.s.queued[idx] = true
		a.s.worklist = append(a.s.worklist, idx)
	}
}

// callsInit reports whether an invokespecial calls an instance initializer.
func (a *analyzer) callsInit(in *Instruction) bool {
	_, name, _ := a.c.Pool.MemberRef(uint16(in.Index))
	return name == "<init>"
}

// covers reports whether handler hi's range includes instruction i.
func (a *analyzer) covers(hi, i int) bool {
	h := a.code.Handlers[hi]
	off := a.insns[i].Offset
	return off >= int(h.StartPC) && off < int(h.EndPC)
}

func (a *analyzer) mergeTarget(from, target int, f *frame) error {
	idx, ok := a.at.lookup(target)
	if !ok {
		return a.fail(from, "branch target %d is not an instruction start", target)
	}
	if a.typecheck && a.declared[target] == nil {
		return a.fail(from, "%s to %d, where there is no stack map frame", a.insns[a.mustAt(from)].Op, target)
	}
	changed, err := a.mergeInto(idx, f, from)
	if err != nil {
		return err
	}
	a.push(idx, changed)
	return nil
}

func (a *analyzer) mustAt(off int) int {
	i, _ := a.at.lookup(off)
	return i
}

// mergeHandler merges locals, with the caught exception on the stack, into
// handler hi's entry frame. See JVMS §4.10.1.6 (handlers).
func (a *analyzer) mergeHandler(hi int, locals []Type, from int) error {
	h := a.code.Handlers[hi]
	idx, ok := a.at.lookup(int(h.HandlerPC))
	if !ok {
		return a.fail(from, "handler %d is not an instruction start", h.HandlerPC)
	}
	ht := tThrowable
	if h.CatchType != 0 {
		ht = a.lat.Ref(a.c.Pool.ClassName(h.CatchType))
		if a.strict && !a.d.Assignable(ht, tThrowable) {
			return a.fail(int(h.HandlerPC), "catch type %s is not a Throwable", a.lat.Name(ht))
		}
	}
	if a.typecheck && a.declared[int(h.HandlerPC)] == nil {
		return a.fail(from, "handler %d has no stack map frame", h.HandlerPC)
	}
	a.noteStack(1)
	st := &a.s.caught
	st.locals = locals
	st.stack = append(st.stack[:0], ht)
	changed, err := a.mergeInto(idx, st, from)
	if err != nil {
		return err
	}
	a.push(idx, changed)
	return nil
}

// mergeInto merges f into the entry frame of instruction idx and reports
// whether that frame changed.
func (a *analyzer) mergeInto(idx int, f *frame, from int) (bool, error) {
	cur := a.in[idx]
	off := a.insns[idx].Offset
	if d := a.declared[off]; d != nil {
		if a.typecheck {
			if why := a.assignableFrame(f, d); why != "" {
				return false, a.fail(from, "to %d: %s", off, why)
			}
			return false, nil
		}
		if cur != nil {
			return false, nil
		}
		if len(d.stack) != len(f.stack) {
			return false, a.fail(off, "stack height %d from offset %d differs from the declared frame's %d", len(f.stack), from, len(d.stack))
		}
		a.in[idx] = a.copyFrame(d)
		return true, nil
	}
	if cur == nil {
		a.in[idx] = a.copyFrame(f)
		fixHalves(a.in[idx].locals)
		return true, nil
	}
	return a.mergeFrame(cur, f, off, from)
}

// mergeFrame merges f into cur, the state before the instruction at off (-1
// for a subroutine's return state): stacks must agree in height and join
// slot by slot; locals that do not join become top.
func (a *analyzer) mergeFrame(cur, f *frame, off, from int) (bool, error) {
	if len(cur.stack) != len(f.stack) {
		return false, a.fail(off, "stack height %d from offset %d differs from %d on another path", len(f.stack), from, len(cur.stack))
	}
	changed := false
	for k := range cur.stack {
		if cur.stack[k] == f.stack[k] {
			continue
		}
		t, ok, err := a.d.Join(cur.stack[k], f.stack[k], Slot{Offset: off, Stack: true, Index: k})
		if err != nil {
			return false, a.fail(off, "%v", err)
		}
		if !ok && cur.stack[k] != tTop {
			return false, a.fail(off, "stack slot %d: %s from offset %d cannot merge with %s", k, a.lat.str(f.stack[k]), from, a.lat.str(cur.stack[k]))
		}
		if t != cur.stack[k] {
			cur.stack[k] = t
			changed = true
		}
	}
	n := len(cur.locals)
	if len(f.locals) < n {
		// Slots one path never set are top on the merged path.
		for k := len(f.locals); k < n; k++ {
			if cur.locals[k] != tTop {
				cur.locals[k] = tTop
				changed = true
			}
		}
		n = len(f.locals)
	}
	for k := 0; k < n; k++ {
		if cur.locals[k] == f.locals[k] {
			continue
		}
		t, _, err := a.d.Join(cur.locals[k], f.locals[k], Slot{Offset: off, Index: k})
		if err != nil {
			return false, a.fail(off, "%v", err)
		}
		if t != cur.locals[k] {
			cur.locals[k] = t
			changed = true
		}
	}
	if changed {
		fixHalves(cur.locals)
	}
	return changed, nil
}

// assignableFrame says why state s cannot stand where frame t is declared,
// "" when every slot of s is assignable to t's (JVMS §4.10.1.4,
// frameIsAssignable).
func (a *analyzer) assignableFrame(s, t *frame) string {
	if len(s.stack) != len(t.stack) {
		return fmt.Sprintf("stack height %d where the frame has %d", len(s.stack), len(t.stack))
	}
	for i := range s.stack {
		if !a.d.Assignable(s.stack[i], t.stack[i]) {
			return fmt.Sprintf("stack slot %d holds %s where the frame has %s", i, a.lat.str(s.stack[i]), a.lat.str(t.stack[i]))
		}
	}
	for i := range t.locals {
		l := tTop
		if i < len(s.locals) {
			l = s.locals[i]
		}
		if !a.d.Assignable(l, t.locals[i]) {
			return fmt.Sprintf("local %d holds %s where the frame has %s", i, a.lat.str(l), a.lat.str(t.locals[i]))
		}
	}
	return ""
}

// fixHalves keeps long and double pairs whole: a first half without its
// second, or a second without its first, is top.
func fixHalves(ls []Type) {
	for k := range ls {
		switch ls[k] {
		case tLong, tDouble:
			if k+1 >= len(ls) || ls[k+1] != ls[k].second() {
				ls[k] = tTop
			}
		case tLong2, tDouble2:
			if k == 0 || (ls[k-1] != tLong && ls[k-1] != tDouble) || ls[k-1].second() != ls[k] {
				ls[k] = tTop
			}
		}
	}
}

// subState is what type inference knows of subroutines (JVMS §4.10.2.4):
// jsr pushes returnAddress(S) for subroutine S and goes there; ret n needs
// returnAddress(S) in local n and returns to the instruction after every
// jsr to S, with the locals S writes taken from the state at ret and the
// others from the state at that jsr.
type subState struct {
	writes  map[int][]bool // subroutine entry (index) -> locals it may write
	callers map[int][]int  // subroutine entry -> jsr instructions
	ret     map[int]*frame // subroutine entry -> merged state at its rets
	atJsr   map[int]*frame // jsr instruction -> state before it
}

// subroutine executes jsr or ret at instruction i on state cur.
func (a *analyzer) subroutine(i int, cur *frame) error {
	in := &a.insns[i]
	if a.sub == nil {
		a.sub = &subState{writes: a.subroutineWrites(), callers: map[int][]int{}, ret: map[int]*frame{}, atJsr: map[int]*frame{}}
	}
	s := a.sub
	if in.Op == Ret {
		a.noteLocals(in.Index + 1)
		ra := tTop
		if in.Index < len(cur.locals) {
			ra = cur.locals[in.Index]
		}
		if ra.Kind() != KRetAddr {
			return a.fail(in.Offset, "ret: local %d holds %s, not a return address", in.Index, a.lat.str(ra))
		}
		entry, _ := a.at.lookup(ra.arg())
		if rs := s.ret[entry]; rs == nil {
			s.ret[entry] = &frame{locals: append([]Type(nil), cur.locals...), stack: append([]Type(nil), cur.stack...)}
		} else if changed, err := a.mergeFrame(rs, cur, -1, in.Offset); err != nil {
			return err
		} else if !changed {
			return nil
		}
		for _, j := range s.callers[entry] {
			if err := a.returnTo(i, entry, j); err != nil {
				return err
			}
		}
		return nil
	}
	entry, ok := a.at.lookup(in.Target)
	if !ok {
		return a.fail(in.Offset, "jsr target %d is not an instruction start", in.Target)
	}
	if a.strict && len(cur.stack)+1 > a.maxStack {
		return a.fail(in.Offset, "jsr: the stack would exceed max_stack %d", a.maxStack)
	}
	a.noteStack(len(cur.stack) + 1)
	found := false
	for _, j := range s.callers[entry] {
		found = found || j == i
	}
	if !found {
		s.callers[entry] = append(s.callers[entry], i)
	}
	s.atJsr[i] = &frame{locals: append([]Type(nil), cur.locals...), stack: append([]Type(nil), cur.stack...)}
	call := &frame{locals: cur.locals, stack: append(append([]Type(nil), cur.stack...), retAddr(in.Target))}
	changed, err := a.mergeInto(entry, call, in.Offset)
	if err != nil {
		return err
	}
	a.push(entry, changed)
	return a.returnTo(i, entry, i)
}

// returnTo merges what ret leaves for the subroutine at entry into the
// instruction after jsr j.
func (a *analyzer) returnTo(from, entry, j int) error {
	s := a.sub
	rs, jsr := s.ret[entry], s.atJsr[j]
	if rs == nil || jsr == nil {
		return nil
	}
	if j+1 >= len(a.insns) {
		return a.fail(a.insns[j].Offset, "jsr at the end of the code has nowhere to return")
	}
	back := &frame{locals: append([]Type(nil), jsr.locals...), stack: append([]Type(nil), rs.stack...)}
	for len(back.locals) < len(rs.locals) {
		back.locals = append(back.locals, tTop)
	}
	writes := s.writes[entry]
	for k := range back.locals {
		if k < len(writes) && writes[k] {
			back.locals[k] = tTop
			if k < len(rs.locals) {
				back.locals[k] = rs.locals[k]
			}
		}
		// A return address is good for one return: after it, a ret
		// through it again (say, after a goto into the subroutine) must
		// fail, as HotSpot's "illegal return from subroutine".
		if back.locals[k] == retAddr(a.insns[entry].Offset) {
			back.locals[k] = tTop
		}
	}
	fixHalves(back.locals)
	changed, err := a.mergeInto(j+1, back, a.insns[from].Offset)
	if err != nil {
		return err
	}
	a.push(j+1, changed)
	return nil
}

// subroutineWrites finds each subroutine's entry and the locals its code
// (and the subroutines it calls) may write: what a ret hands back.
func (a *analyzer) subroutineWrites() map[int][]bool {
	size := 0
	for i := range a.insns {
		size = max(size, a.insns[i].Index+2)
	}
	out := map[int][]bool{}
	var visit func(entry int) []bool
	visit = func(entry int) []bool {
		if w, ok := out[entry]; ok {
			return w
		}
		written := make([]bool, size)
		out[entry] = written // a recursive call sees what is known so far
		seen := map[int]bool{}
		stack := []int{entry}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if i >= len(a.insns) || seen[i] {
				continue
			}
			seen[i] = true
			in := &a.insns[i]
			if isStore(in.Op) || in.Op == Iinc {
				written[in.Index] = true
				if (in.Op >= Lstore && in.Op <= Dstore) || (in.Op >= Lstore0 && in.Op <= Dstore3) {
					written[in.Index+1] = true
				}
			}
			switch in.Op {
			case Ret:
				continue
			case Jsr, JsrW:
				if t, ok := a.at.lookup(in.Target); ok {
					for k, w := range visit(t) {
						written[k] = written[k] || w
					}
				}
				stack = append(stack, i+1)
				continue
			}
			for _, t := range in.BranchTargets() {
				if k, ok := a.at.lookup(t); ok {
					stack = append(stack, k)
				}
			}
			if !in.EndsBlock() {
				stack = append(stack, i+1)
			}
		}
		return written
	}
	for i := range a.insns {
		if op := a.insns[i].Op; op == Jsr || op == JsrW {
			if t, ok := a.at.lookup(a.insns[i].Target); ok {
				visit(t)
			}
		}
	}
	return out
}

// offsetIndex maps code offsets to instruction indices plus one, 0 where
// no instruction starts (so a cleared array is an empty index); a slice
// beats a map on this hot path.
type offsetIndex []int32

// reset rebuilds x for insns, reusing its array when it can.
func (x offsetIndex) reset(insns []Instruction, codeLen int) offsetIndex {
	x = resize(x, codeLen+1)
	for i := range insns {
		x[insns[i].Offset] = int32(i + 1)
	}
	return x
}

func (x offsetIndex) lookup(off int) (int, bool) {
	if off < 0 || off >= len(x) || x[off] == 0 {
		return 0, false
	}
	return int(x[off]) - 1, true
}

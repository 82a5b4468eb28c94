package bytecode

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"dvmlab/core/classfile"
)

// FrameError says which method and offset frame computation failed at and why.
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
	locals []VType
	stack  []VType
}

// scratch is what analysing one method needs and the next can reuse: the
// decoded instructions, the per-instruction tables and the slabs the entry
// frames are carved from. Nothing in it outlives Compute, so recycling it
// saves most of the allocation (and collection) per method.
type scratch struct {
	insns   []Instruction
	at      offsetIndex
	in      []*frame
	block   []bool
	reached []bool
	queued  []bool
	slots   []VType // entry frames' locals and stacks
	frames  []frame // entry frames themselves
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

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
		s.slots = make([]VType, 0, max(1024, 2*n))
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
	c       *classfile.Class
	mg      *merger
	classes *classIndex
	// declared are frames to take as they are, by offset, for the next
	// Compute (see Editor.KeepFrames).
	declared map[int]*frame
	// hints gives the method's original frames, by offset in the code to
	// compute, for the next Compute; nil: the code's own StackMapTable.
	hints func() map[int]*frame
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
	return &FrameComputer{c: c, mg: newMerger(h)}
}

// Compute is ComputeFrames for one method of the computer's class.
func (fc *FrameComputer) Compute(m *classfile.Member) (*FrameResult, error) {
	code := m.Code()
	if code == nil {
		return &FrameResult{}, nil
	}
	if fc.classes == nil && fc.c.Major >= 50 {
		fc.classes = newClassIndex(&fc.c.Pool)
	}
	s := scratches.Get().(*scratch)
	a := &analyzer{c: fc.c, m: m, code: code, mg: fc.mg, classes: fc.classes, s: s, insns: s.insns, declared: fc.declared, hints: fc.hints}
	fc.declared, fc.hints = nil, nil
	r, err := a.run()
	s.insns = a.insns[:0]
	s.slots = s.slots[:0]
	s.frames = s.frames[:0]
	clear(s.in)
	scratches.Put(s)
	return r, err
}

type analyzer struct {
	s       *scratch
	c       *classfile.Class
	m       *classfile.Member
	code    *classfile.Code
	mg      *merger
	classes *classIndex
	insns   []Instruction
	at      offsetIndex // offset -> instruction index
	in      []*frame    // entry frame per basic block start (nil: not reached yet)
	block   []bool      // instruction index starts a basic block
	// reached marks every instruction the flow walked; the rest is dead code.
	reached []bool
	// handlersOf[i] lists the exception handlers covering instruction i.
	handlersOf [][]int
	scratch    frame
	maxStack   int
	maxLocals  int
	initLocals []VType // the entry frame's locals
	old        bool    // class version < 50: no frames, jsr/ret allowed
	// declared frames, by offset, stand as they are: merging into one only
	// reaches it (as the JVM's type checker takes a stack map frame).
	declared map[int]*frame
	// hints yields the original frames that settle merges the hierarchy
	// cannot (nil: the code's own table); hinted caches them.
	hints  func() map[int]*frame
	hinted map[int]*frame
	// settled and unsettled are the missing classes of merges the original
	// frames settled, and of those they did not.
	settled, unsettled map[string]bool
	// lenient merges what the hierarchy cannot answer as java/lang/Object
	// instead of failing: for Stacks, whose types only feed instrumentation.
	lenient bool
}

func (a *analyzer) fail(off int, format string, args ...any) error {
	return &FrameError{Class: a.c.Name(), Method: a.c.MemberName(a.m) + a.c.MemberDesc(a.m), Offset: off, Msg: fmt.Sprintf(format, args...)}
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
	// Old classes get no frames, so no merged type reaches the output.
	a.lenient = a.lenient || a.old
	a.s.at = a.s.at.reset(a.insns, len(a.code.Code))
	a.at = a.s.at
	init, err := a.initialFrame()
	if err != nil {
		return nil, err
	}
	a.maxLocals = len(init.locals)
	if a.straightLine() {
		return a.runStraight(init)
	}
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
	if len(a.unsettled) > 0 {
		return nil, &MissingClassesError{Class: a.c.Name(), Method: a.c.MemberName(a.m) + a.c.MemberDesc(a.m), Names: slices.Sorted(maps.Keys(a.unsettled))}
	}
	res := &FrameResult{}
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
	res.Missing = slices.Sorted(maps.Keys(a.settled))
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
	last := len(a.insns) - 1
	for i := range a.insns {
		in := &a.insns[i]
		if in.IsBranch() || in.Op == Jsr || in.Op == JsrW || (i < last && in.EndsBlock()) {
			return false
		}
	}
	return a.insns[last].EndsBlock()
}

// runStraight executes a straight-line method once, from its entry frame to
// its end, for max_stack and max_locals.
func (a *analyzer) runStraight(init *frame) (*FrameResult, error) {
	for i := range a.insns {
		if _, err := a.execute(i, init); err != nil {
			return nil, err
		}
	}
	a.code.MaxStack = uint16(a.maxStack)
	a.setMaxLocals()
	// One block has no frames; a table left over from before would be wrong.
	a.dropStackMapTable()
	res := &FrameResult{MaxStack: a.maxStack, MaxLocals: a.maxLocals}
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

// findBlocks marks the basic-block starts and which handlers cover which
// instruction.
func (a *analyzer) findBlocks() error {
	var err error
	a.s.block = resize(a.s.block, len(a.insns))
	a.block, err = blockMarks(a.s.block, a.insns, a.at, a.code)
	if err != nil {
		return a.fail(err.(*blockError).off, "%s", err.(*blockError).msg)
	}
	if len(a.code.Handlers) == 0 {
		return nil
	}
	a.handlersOf = make([][]int, len(a.insns))
	for hi, h := range a.code.Handlers {
		i, ok := a.at.lookup(int(h.StartPC))
		if !ok {
			return a.fail(int(h.StartPC), "exception range start %d is not an instruction start", h.StartPC)
		}
		for ; i < len(a.insns) && a.insns[i].Offset < int(h.EndPC); i++ {
			a.handlersOf[i] = append(a.handlersOf[i], hi)
		}
	}
	return nil
}

type blockError struct {
	off int
	msg string
}

func (e *blockError) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.msg) }

// blockMarks marks the instructions that start a basic block: the first,
// branch targets, handler starts and whatever follows a branch or an
// instruction that ends a block. These are where frames go. See JVMS §4.10.1.
func blockMarks(block []bool, insns []Instruction, at offsetIndex, code *classfile.Code) ([]bool, error) {
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
		return nil
	}
	for i := range insns {
		in := &insns[i]
		if in.Op.IsBranchOp() {
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
		if (in.IsBranch() || in.EndsBlock()) && i+1 < n {
			block[i+1] = true
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
	marks, err := blockMarks(make([]bool, len(insns)), insns, offsetIndex(nil).reset(insns, len(code.Code)), code)
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

// initialFrame is the type state on method entry. See JVMS §4.10.1.6.
func (a *analyzer) initialFrame() (*frame, error) {
	desc := a.c.MemberDesc(a.m)
	f := &frame{locals: make([]VType, 0, 8)}
	if !a.m.Access.Has(classfile.AccStatic) {
		if a.c.MemberName(a.m) == "<init>" && a.c.Name() != "java/lang/Object" {
			f.locals = append(f.locals, vUninitThis)
		} else {
			f.locals = append(f.locals, ref(a.c.Name()))
		}
	}
	_, err := walkDesc(desc, func(arg string) {
		t := typeOfDesc(arg)
		f.locals = append(f.locals, t)
		if t.Size() == 2 {
			f.locals = append(f.locals, second(t))
		}
	})
	if err != nil {
		return nil, a.fail(0, "%v", err)
	}
	return f, nil
}

func second(t VType) VType {
	if t.Kind == KDouble {
		return vDouble2
	}
	return vLong2
}

// flow runs the worklist algorithm to a fixed point. Entry frames are kept
// for block starts only; inside a block one working frame is updated in
// place, so the analysis allocates per block, not per instruction.
func (a *analyzer) flow(init *frame) error {
	a.in[0] = init
	work := []int{0}
	a.s.queued = resize(a.s.queued, len(a.insns))
	queued := a.s.queued
	queued[0] = true
	cur := &frame{}
	push := func(idx int, changed bool) {
		if changed && !queued[idx] {
			queued[idx] = true
			work = append(work, idx)
		}
	}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		queued[i] = false
		cur.locals = append(cur.locals[:0], a.in[i].locals...)
		cur.stack = append(cur.stack[:0], a.in[i].stack...)
		// fresh: the locals differ from those the previous instruction's
		// handlers saw (a block's entry, or after a store or an <init>).
		fresh := true
		for {
			in := &a.insns[i]
			a.reached[i] = true
			// Handlers see the locals before every instruction they cover
			// (JVMS §4.10.1.6); unchanged locals need merging only where a
			// range begins.
			var handlers []int
			if a.handlersOf != nil {
				handlers = a.handlersOf[i]
			}
			for _, hi := range handlers {
				if fresh || i == 0 || !a.covers(hi, i-1) {
					idx, changed, err := a.mergeHandler(hi, cur.locals, in.Offset)
					if err != nil {
						return err
					}
					push(idx, changed)
				}
			}
			localsChanged, err := a.execute(i, cur)
			if err != nil {
				return err
			}
			fresh = localsChanged
			if localsChanged && !isStore(in.Op) {
				// ...and the locals after it where HotSpot's type checker
				// looks at those: after an <init> call. A store's handlers
				// see only the locals before it (HotSpot checks stores
				// first, JVMS §4.10.1.6 does so for all); the value stored
				// reaches a handler only through the next instruction, if
				// that is still in its range.
				for _, hi := range handlers {
					idx, changed, err := a.mergeHandler(hi, cur.locals, in.Offset)
					if err != nil {
						return err
					}
					push(idx, changed)
				}
			}
			switch {
			case in.Op == Jsr || in.Op == JsrW:
				// The subroutine starts with a return address pushed; the
				// code after jsr resumes with the state before it, assuming
				// (as javac's finally blocks do) a balanced subroutine.
				sub := &frame{locals: cur.locals, stack: append(append([]VType(nil), cur.stack...), VType{Kind: KTop, Name: "returnAddress"})}
				a.noteStack(len(sub.stack))
				if err := a.mergeTarget(in.Offset, in.Target, sub, push); err != nil {
					return err
				}
			case in.Op.IsBranchOp():
				if err := a.mergeTarget(in.Offset, in.Target, cur, push); err != nil {
					return err
				}
			case in.Switch != nil:
				if err := a.mergeTarget(in.Offset, in.Switch.Default, cur, push); err != nil {
					return err
				}
				for _, t := range in.Switch.Targets {
					if err := a.mergeTarget(in.Offset, t, cur, push); err != nil {
						return err
					}
				}
			}
			if in.EndsBlock() {
				break
			}
			if i+1 >= len(a.insns) {
				return a.fail(in.Offset, "execution falls off the end of the code")
			}
			i++
			if a.block[i] {
				changed, err := a.mergeInto(i, cur, in.Offset)
				if err != nil {
					return err
				}
				push(i, changed)
				break
			}
		}
	}
	return nil
}

// covers reports whether handler hi's range includes instruction i.
func (a *analyzer) covers(hi, i int) bool {
	h := a.code.Handlers[hi]
	off := a.insns[i].Offset
	return off >= int(h.StartPC) && off < int(h.EndPC)
}

func (a *analyzer) mergeTarget(from, target int, f *frame, push func(int, bool)) error {
	idx, ok := a.at.lookup(target)
	if !ok {
		return a.fail(from, "branch target %d is not an instruction start", target)
	}
	changed, err := a.mergeInto(idx, f, from)
	if err != nil {
		return err
	}
	push(idx, changed)
	return nil
}

// mergeHandler merges locals, with the caught exception on the stack, into
// handler hi's entry frame. See JVMS §4.10.1.6 (handlers).
func (a *analyzer) mergeHandler(hi int, locals []VType, from int) (int, bool, error) {
	h := a.code.Handlers[hi]
	idx, ok := a.at.lookup(int(h.HandlerPC))
	if !ok {
		return 0, false, a.fail(from, "handler %d is not an instruction start", h.HandlerPC)
	}
	ht := ref("java/lang/Throwable")
	if h.CatchType != 0 {
		ht = classType(a.c.Pool.ClassName(h.CatchType))
	}
	a.noteStack(1)
	a.scratch.locals = locals
	a.scratch.stack = append(a.scratch.stack[:0], ht)
	changed, err := a.mergeInto(idx, &a.scratch, from)
	return idx, changed, err
}

// mergeInto merges f into the entry frame of instruction idx and reports
// whether that frame changed.
func (a *analyzer) mergeInto(idx int, f *frame, from int) (bool, error) {
	cur := a.in[idx]
	if d := a.declared[a.insns[idx].Offset]; d != nil {
		if cur != nil {
			return false, nil
		}
		if len(d.stack) != len(f.stack) {
			return false, a.fail(a.insns[idx].Offset, "stack height %d from offset %d differs from the declared frame's %d", len(f.stack), from, len(d.stack))
		}
		a.in[idx] = a.copyFrame(d)
		return true, nil
	}
	if cur == nil {
		a.in[idx] = a.copyFrame(f)
		a.fixHalves(a.in[idx].locals)
		return true, nil
	}
	if len(cur.stack) != len(f.stack) {
		return false, a.fail(a.insns[idx].Offset, "stack height %d from offset %d differs from %d on another path", len(f.stack), from, len(cur.stack))
	}
	changed := false
	for k := range cur.stack {
		if cur.stack[k] == f.stack[k] {
			continue
		}
		t, err := a.mergeSlot(idx, true, k, cur.stack[k], f.stack[k])
		if err != nil {
			return false, a.fail(a.insns[idx].Offset, "%v", err)
		}
		if t != cur.stack[k] {
			if t.Kind == KTop && cur.stack[k].Kind != KTop {
				return false, a.fail(a.insns[idx].Offset, "stack slot %d: %s from offset %d cannot merge with %s", k, f.stack[k], from, cur.stack[k])
			}
			cur.stack[k] = t
			changed = true
		}
	}
	n := len(cur.locals)
	if len(f.locals) < n {
		// Slots one path never set are top on the merged path.
		for k := len(f.locals); k < n; k++ {
			if cur.locals[k].Kind != KTop {
				cur.locals[k] = vTop
				changed = true
			}
		}
		n = len(f.locals)
	}
	for k := 0; k < n; k++ {
		if cur.locals[k] == f.locals[k] {
			continue
		}
		t, err := a.mergeSlot(idx, false, k, cur.locals[k], f.locals[k])
		if err != nil {
			return false, a.fail(a.insns[idx].Offset, "%v", err)
		}
		if t != cur.locals[k] {
			cur.locals[k] = t
			changed = true
		}
	}
	if changed {
		a.fixHalves(cur.locals)
	}
	return changed, nil
}

// mergeSlot merges two types of one slot (a stack slot, or a local) at the
// entry of instruction idx. A merge the hierarchy cannot answer takes the
// type the original frame there declares, if the known hierarchy agrees it
// can be a supertype of both; otherwise the missing class is noted for a
// *MissingClassesError and the flow goes on (to find any other missing
// class) with java/lang/Object, which never reaches the output.
func (a *analyzer) mergeSlot(idx int, stack bool, k int, x, y VType) (VType, error) {
	t, err := a.mg.merge(x, y)
	var u *unknownClass
	if err == nil || !errors.As(err, &u) {
		return t, err
	}
	if a.hinted == nil {
		if a.hints != nil {
			a.hinted = a.hints()
		} else {
			a.hinted, _ = declaredFrames(a.c, a.m, a.code)
		}
		if a.hinted == nil {
			a.hinted = map[int]*frame{}
		}
	}
	var h VType
	if f := a.hinted[a.insns[idx].Offset]; f != nil {
		switch {
		case stack && len(f.stack) == len(a.in[idx].stack):
			h = f.stack[k]
		case !stack && k < len(f.locals):
			h = f.locals[k]
		}
	}
	if h.Kind == KRef && a.mg.mayBeSuper(h.Name, x.Name) && a.mg.mayBeSuper(h.Name, y.Name) {
		if a.settled == nil {
			a.settled = map[string]bool{}
		}
		a.settled[u.Name] = true
		return h, nil
	}
	if !a.lenient {
		if a.unsettled == nil {
			a.unsettled = map[string]bool{}
		}
		a.unsettled[u.Name] = true
	}
	return ref("java/lang/Object"), nil
}

// fixHalves keeps long and double pairs whole: a first half without its
// second, or a second without its first, is top.
func (a *analyzer) fixHalves(ls []VType) {
	for k := range ls {
		switch ls[k].Kind {
		case KLong, KDouble:
			if k+1 >= len(ls) || ls[k+1] != second(ls[k]) {
				ls[k] = vTop
			}
		case KLong2, KDouble2:
			if k == 0 || (ls[k-1].Kind != KLong && ls[k-1].Kind != KDouble) || second(ls[k-1]) != ls[k] {
				ls[k] = vTop
			}
		}
	}
}

// neutralizeDeadCode replaces each unreachable block with nops ending in
// athrow, gives it a frame of its own (no locals, a Throwable on the stack)
// and cuts it out of exception ranges, so that the type checker, which visits
// every instruction, accepts it.
func (a *analyzer) neutralizeDeadCode() (int, error) {
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
		a.in[i] = &frame{stack: []VType{ref("java/lang/Throwable")}}
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
	}
	return dead, nil
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
	smt := &classfile.StackMapTable{}
	pool := a.classes
	// Every frame's entries are carved from one growing slab; a slab that
	// moves leaves the frames cut before it on the old array, which is fine.
	frames := 0
	for i := range a.insns {
		if a.block[i] && a.in[i] != nil {
			frames++
		}
	}
	smt.Frames = make([]classfile.StackMapFrame, 0, frames)
	slab := make([]classfile.VerificationType, 0, (frames+1)*(len(a.initLocals)+2))
	slab, err := toVerification(slab, pool, a.initLocals, true)
	if err != nil {
		return nil, err
	}
	prevLocals := slab
	// Offset 0 needs an explicit frame only when something jumps there: the
	// implicit initial frame covers the method's entry alone.
	targeted0 := false
	for k := range a.insns {
		in := &a.insns[k]
		if in.Op.IsBranchOp() {
			targeted0 = targeted0 || in.Target == 0
		} else if in.Switch != nil {
			targeted0 = targeted0 || in.Switch.Default == 0 || slices.Contains(in.Switch.Targets, 0)
		}
	}
	for _, h := range a.code.Handlers {
		targeted0 = targeted0 || h.HandlerPC == 0
	}
	prevOff := -1
	for i := range a.insns {
		if !a.block[i] || a.in[i] == nil || (i == 0 && !targeted0) {
			continue
		}
		f := a.in[i]
		start := len(slab)
		if slab, err = toVerification(slab, pool, f.locals, true); err != nil {
			return nil, err
		}
		mid := len(slab)
		if slab, err = toVerification(slab, pool, f.stack, false); err != nil {
			return nil, err
		}
		locals, stack := slab[start:mid:mid], slab[mid:len(slab):len(slab)]
		off := a.insns[i].Offset
		delta := off - prevOff - 1
		fr := compress(uint16(delta), prevLocals, locals, stack)
		smt.Frames = append(smt.Frames, fr)
		switch t := fr.Type; {
		case t <= classfile.FrameSameMax || t == classfile.FrameSameExt:
			// The locals equal the previous ones and nothing is kept.
			slab = slab[:start]
		case t >= classfile.FrameChopMin && t <= classfile.FrameChopMax:
			prevLocals = prevLocals[:len(locals)]
			slab = slab[:start]
		case t >= classfile.FrameAppendMin:
			prevLocals = locals
		}
		prevOff = off
	}
	return smt, nil
}

// compress picks the smallest frame form. See JVMS §4.7.4.
func compress(delta uint16, prev, locals, stack []classfile.VerificationType) classfile.StackMapFrame {
	same := func(a, b []classfile.VerificationType) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	switch {
	case len(stack) == 0 && same(prev, locals):
		if delta <= classfile.FrameSameMax {
			return classfile.StackMapFrame{Type: uint8(delta), OffsetDelta: delta}
		}
		return classfile.StackMapFrame{Type: classfile.FrameSameExt, OffsetDelta: delta}
	case len(stack) == 1 && same(prev, locals):
		if delta <= classfile.FrameSameLocals1Max-64 {
			return classfile.StackMapFrame{Type: uint8(64 + delta), OffsetDelta: delta, Stack: stack}
		}
		return classfile.StackMapFrame{Type: classfile.FrameSameLocals1Ext, OffsetDelta: delta, Stack: stack}
	case len(stack) == 0 && len(locals) < len(prev) && len(prev)-len(locals) <= 3 && same(prev[:len(locals)], locals):
		return classfile.StackMapFrame{Type: uint8(251 - (len(prev) - len(locals))), OffsetDelta: delta}
	case len(stack) == 0 && len(locals) > len(prev) && len(locals)-len(prev) <= 3 && same(locals[:len(prev)], prev):
		return classfile.StackMapFrame{Type: uint8(251 + (len(locals) - len(prev))), OffsetDelta: delta, Locals: locals[len(prev):]}
	}
	return classfile.StackMapFrame{Type: classfile.FrameFull, OffsetDelta: delta, Locals: locals, Stack: stack}
}

// String renders a frame for error messages, in javap-like notation.
func (f *frame) String() string {
	var b strings.Builder
	b.WriteString("locals [")
	for i, v := range f.locals {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.String())
	}
	b.WriteString("] stack [")
	for i, v := range f.stack {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.String())
	}
	b.WriteString("]")
	return b.String()
}

// offsetIndex maps code offsets to instruction indices, -1 where no
// instruction starts; a slice beats a map on this hot path.
type offsetIndex []int32

// reset rebuilds x for insns, reusing its array when it can.
func (x offsetIndex) reset(insns []Instruction, codeLen int) offsetIndex {
	if cap(x) < codeLen+1 {
		x = make(offsetIndex, codeLen+1)
	}
	x = x[:codeLen+1]
	for i := range x {
		x[i] = -1
	}
	for i := range insns {
		x[insns[i].Offset] = int32(i)
	}
	return x
}

func (x offsetIndex) lookup(off int) (int, bool) {
	if off < 0 || off >= len(x) || x[off] < 0 {
		return 0, false
	}
	return int(x[off]), true
}

// classIndex finds or adds Class entries for frame types. Looking among the
// Class entries alone is far cheaper than the pool's full index, which a
// class whose frames name only existing classes never needs.
type classIndex struct {
	pool  *classfile.ConstantPool
	names map[string]uint16
	// recent remembers the last names by length: frame after frame repeats
	// the same few types, and comparing a string beats hashing it.
	recent [16]struct {
		name string
		idx  uint16
	}
}

func newClassIndex(pool *classfile.ConstantPool) *classIndex {
	x := &classIndex{pool: pool, names: map[string]uint16{}}
	for i := len(pool.Entries) - 1; i > 0; i-- {
		if e := &pool.Entries[i]; e.Tag == classfile.TagClass {
			x.names[pool.Utf8(e.A)] = uint16(i)
		}
	}
	return x
}

func (x *classIndex) AddClass(name string) (uint16, error) {
	r := &x.recent[len(name)&15]
	if r.name == name && r.idx != 0 {
		return r.idx, nil
	}
	if i, ok := x.names[name]; ok {
		r.name, r.idx = name, i
		return i, nil
	}
	i, err := x.pool.AddClass(name)
	if err == nil {
		x.names[name] = i
	}
	return i, err
}

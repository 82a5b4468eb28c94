package bytecode

import (
	"errors"
	"fmt"
	"sort"

	"dvmlab/core/classfile"
)

// Label marks a position in code under edit. Branches, exception ranges and
// debug tables refer to labels, not offsets, so code can grow and move.
type Label struct {
	offset int // resolved offset after layout
	orig   int // original offset, -1 for a label made by an edit
}

// Insn is an instruction under edit: like Instruction, but its branch
// targets are labels.
type Insn struct {
	Op      Opcode
	Wide    bool
	Index   int
	Const   int
	Target  *Label
	Default *Label
	Low     int32
	High    int32
	Keys    []int32
	Targets []*Label
	Pad     []byte // switch padding as read, kept when its length still fits
	// long is set during layout when a branch needs its 32-bit form.
	long bool
}

// item is one element of the code list: a label or an instruction, with
// where it comes from (an original instruction, or code an edit put
// somewhere) so that errors and Origin can name the original offset.
type item struct {
	label  *Label
	insn   *Insn
	from   placement
	anchor int // the original offset the item belongs to
}

// placement says where an instruction of the edited code comes from.
type placement uint8

const (
	original placement = iota
	insertedBefore
	insertedAfter
	replacing
	prepended
	guarding
)

type handler struct {
	start, end, handler *Label
	catchType           uint16
}

type lineEntry struct {
	at   *Label
	line uint16
}

type localVar struct {
	start, end *Label
	v          classfile.LocalVariable
}

// Editor is one method's code as an editable list of labels and
// instructions. Insert, remove and replace anywhere, then Commit to encode
// it back with branches relaxed, tables remapped and frames recomputed.
//
// Every original instruction has two positions: its entry, before any code
// inserted before it, and the instruction itself, after that code. What
// refers to which is decided per table; see remapTables.
type Editor struct {
	c     *classfile.Class
	m     *classfile.Member
	code  *classfile.Code
	items []item
	at    map[int]*Label // original offset -> its entry label
	self  map[int]*Label // original offset -> the instruction itself, made on demand
	start *Label         // the very start of the code, before prepended code
	end   *Label         // the end of the code
	// Pending insertions by original offset, applied at Commit so that the
	// original offsets stay meaningful while a service edits.
	before  map[int][]*Insn
	after   map[int][]*Insn
	entry   []*Insn
	guard   []*Insn
	guardAt *Label
	keep    bool
	removed map[int]bool
	replace map[int][]*Insn

	handlers []handler
	lines    map[*classfile.LineNumberTable][]lineEntry
	locals   map[*classfile.LocalVariableTable][]localVar
	typeAnns map[*classfile.TypeAnnotations][]typeAnnLabels
	// trace is the committed code's instructions with their origin, in
	// offset order (see Origin).
	trace []traced
	// Original instructions, in order.
	Original []Instruction
}

type traced struct {
	offset int
	from   placement
	anchor int
}

// typeAnnLabels is where one code-level type annotation points, by target
// kind (JVMS §4.7.20.1): insn for offset_target and type_argument_target,
// vars for localvar_target, handler (an index into the editor's handlers)
// for catch_target. drop marks an annotation whose target does not survive
// the edit (its instruction removed, its range not on instructions).
type typeAnnLabels struct {
	insn    *Label
	orig    int // the original offset of insn
	vars    [][2]*Label
	handler int
	drop    bool
}

// NewEditor decodes m's code for editing. See JVMS §4.7.3.
func NewEditor(c *classfile.Class, m *classfile.Member) (*Editor, error) {
	code := m.Code()
	if code == nil {
		return nil, fmt.Errorf("%s.%s%s: no code", c.Name(), c.MemberName(m), c.MemberDesc(m))
	}
	insns, err := Decode(code.Code)
	if err != nil {
		return nil, fmt.Errorf("%s.%s%s: %w", c.Name(), c.MemberName(m), c.MemberDesc(m), err)
	}
	e := &Editor{c: c, m: m, code: code, Original: insns, start: &Label{orig: -1},
		at: make(map[int]*Label, len(insns)+1), before: map[int][]*Insn{}, after: map[int][]*Insn{}, removed: map[int]bool{}, replace: map[int][]*Insn{}}
	label := func(off int) *Label {
		if l := e.at[off]; l != nil {
			return l
		}
		l := &Label{orig: off}
		e.at[off] = l
		return l
	}
	labelAt := func(from int, off int, what string) (*Label, error) {
		if off == len(code.Code) {
			return label(off), nil
		}
		if _, ok := e.findInsn(off); !ok {
			return nil, fmt.Errorf("%s.%s%s: offset %d: %s %d is not an instruction start", c.Name(), c.MemberName(m), c.MemberDesc(m), from, what, off)
		}
		return label(off), nil
	}
	for _, in := range insns {
		label(in.Offset)
	}
	e.end = label(len(code.Code))
	e.items = make([]item, 0, 2*len(insns)+1)
	for _, in := range insns {
		n := &Insn{Op: in.Op, Wide: in.Wide, Index: in.Index, Const: in.Const}
		if in.Op.IsBranchOp() {
			if n.Target, err = labelAt(in.Offset, in.Target, "branch target"); err != nil {
				return nil, err
			}
		}
		if sw := in.Switch; sw != nil {
			n.Low, n.High, n.Keys, n.Pad = sw.Low, sw.High, sw.Keys, sw.Pad
			if n.Default, err = labelAt(in.Offset, sw.Default, "switch default"); err != nil {
				return nil, err
			}
			n.Targets = make([]*Label, len(sw.Targets))
			for k, t := range sw.Targets {
				if n.Targets[k], err = labelAt(in.Offset, t, "switch target"); err != nil {
					return nil, err
				}
			}
		}
		e.items = append(e.items, item{label: e.at[in.Offset], anchor: in.Offset}, item{insn: n, anchor: in.Offset})
	}
	e.items = append(e.items, item{label: e.end, anchor: len(code.Code)})
	for k, h := range code.Handlers {
		var hd handler
		what := fmt.Sprintf("exception table entry %d:", k)
		if hd.start, err = labelAt(int(h.StartPC), int(h.StartPC), what+" start_pc"); err != nil {
			return nil, err
		}
		if hd.end, err = labelAt(int(h.StartPC), int(h.EndPC), what+" end_pc"); err != nil {
			return nil, err
		}
		if hd.handler, err = labelAt(int(h.StartPC), int(h.HandlerPC), what+" handler_pc"); err != nil {
			return nil, err
		}
		hd.catchType = h.CatchType
		e.handlers = append(e.handlers, hd)
	}
	// Debug tables may point anywhere (other compilers are sloppy); entries
	// that do not land on an instruction are dropped at Commit.
	for _, a := range code.Attributes {
		switch a := a.(type) {
		case *classfile.LineNumberTable:
			if e.lines == nil {
				e.lines = map[*classfile.LineNumberTable][]lineEntry{}
			}
			var ls []lineEntry
			for _, l := range a.Lines {
				if lb := e.rangeStart(int(l.StartPC)); lb != nil {
					ls = append(ls, lineEntry{lb, l.Line})
				}
			}
			e.lines[a] = ls
		case *classfile.LocalVariableTable:
			if e.locals == nil {
				e.locals = map[*classfile.LocalVariableTable][]localVar{}
			}
			var vs []localVar
			for _, v := range a.Vars {
				s, en := e.rangeStart(int(v.StartPC)), e.at[int(v.StartPC)+int(v.Length)]
				if s != nil && en != nil {
					vs = append(vs, localVar{s, en, v})
				}
			}
			e.locals[a] = vs
		case *classfile.TypeAnnotations:
			if e.typeAnns == nil {
				e.typeAnns = map[*classfile.TypeAnnotations][]typeAnnLabels{}
			}
			ls := make([]typeAnnLabels, len(a.Annotations))
			for k := range a.Annotations {
				ls[k] = e.typeAnnTarget(&a.Annotations[k])
			}
			e.typeAnns[a] = ls
		}
	}
	return e, nil
}

// rangeStart is the label a debug-table entry starting at the original
// offset off starts at: the instruction's entry, so that code inserted
// before an instruction belongs to its line and to the variables live
// there; for offset 0, the very start of the code, so that code prepended
// at the method's entry does too (the parameters hold their values from
// the first instruction on). Nil when off is not an instruction start.
func (e *Editor) rangeStart(off int) *Label {
	if off == 0 && len(e.Original) > 0 {
		return e.start
	}
	if off == len(e.code.Code) {
		return nil
	}
	return e.at[off]
}

// selfLabel is the label of the original instruction at off itself, after
// any code inserted before it.
func (e *Editor) selfLabel(off int) *Label {
	if l := e.self[off]; l != nil {
		return l
	}
	if e.self == nil {
		e.self = map[int]*Label{}
	}
	l := &Label{orig: -1}
	e.self[off] = l
	return l
}

// typeAnnTarget labels what a code-level type annotation points at. See
// JVMS §4.7.20.1 and remapTables.
func (e *Editor) typeAnnTarget(t *classfile.TypeAnnotation) typeAnnLabels {
	var l typeAnnLabels
	switch t.TargetType {
	case classfile.TargetInstanceof, classfile.TargetNew, classfile.TargetConstructorReference, classfile.TargetMethodReference,
		classfile.TargetCast, classfile.TargetConstructorInvocationArg, classfile.TargetMethodInvocationArg,
		classfile.TargetConstructorReferenceArg, classfile.TargetMethodReferenceTypeArg:
		off := int(t.Offset)
		if _, ok := e.findInsn(off); ok {
			l.insn, l.orig = e.selfLabel(off), off
		} else {
			l.drop = true
		}
	case classfile.TargetLocalVariable, classfile.TargetResourceVariable:
		for _, v := range t.LocalVars {
			l.vars = append(l.vars, [2]*Label{e.rangeStart(int(v.StartPC)), e.at[int(v.StartPC)+int(v.Length)]})
		}
	case classfile.TargetExceptionParameter:
		l.handler = int(t.Index)
		l.drop = l.handler >= len(e.handlers)
	}
	return l
}

func (e *Editor) findInsn(off int) (int, bool) {
	lo, hi := 0, len(e.Original)
	for lo < hi {
		mid := (lo + hi) / 2
		if e.Original[mid].Offset < off {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(e.Original) && e.Original[lo].Offset == off
}

// Label returns the label of the original instruction at off (or the end of
// the code), for use as a branch target in inserted code.
func (e *Editor) Label(off int) *Label { return e.at[off] }

// NewLabel makes a label for inserted code; place it with Mark.
func (e *Editor) NewLabel() *Label { return &Label{orig: -1} }

// Mark is a pseudo-instruction that places label l in inserted code.
func Mark(l *Label) *Insn { return &Insn{Op: markOp, Target: l} }

// markOp is not a JVM opcode: it places a label inside inserted code.
const markOp Opcode = 0xFF

// InsertBefore inserts code before the original instruction at off. Control
// that reaches the instruction (branches, switches, handlers, falling
// through) now runs the inserted code first, which is what probes at block
// starts and epilogues before returns want; the inserted code belongs to the
// instruction, so exception ranges, lines and variables covering it cover
// the code too. What names the instruction itself (type annotations on it,
// uninitialized types it creates) still names it. See remapTables.
func (e *Editor) InsertBefore(off int, code ...*Insn) error {
	if _, ok := e.findInsn(off); !ok {
		return fmt.Errorf("%s: no instruction at offset %d", e.where(), off)
	}
	e.before[off] = append(e.before[off], code...)
	return nil
}

// InsertAfter inserts code after the original instruction at off, reached
// only by falling through from it: a branch to the next instruction skips
// it, which is what a probe that reports an instruction's result wants.
func (e *Editor) InsertAfter(off int, code ...*Insn) error {
	if _, ok := e.findInsn(off); !ok {
		return fmt.Errorf("%s: no instruction at offset %d", e.where(), off)
	}
	e.after[off] = append(e.after[off], code...)
	return nil
}

// Prepend inserts code at the method's entry that runs once per call: a
// branch back to offset 0 (a loop at the top of a method) still goes to the
// original first instruction, and no exception range covers it.
func (e *Editor) Prepend(code ...*Insn) {
	e.entry = append(e.entry, code...)
}

// Guard makes code run whenever an exception leaves the method's original
// code: a catch-anything handler, last in the table so that the method's
// own handlers come first, whose code starts with the throwable on the
// stack, runs code (which must leave it there) and rethrows it. Code added
// by Prepend is not covered.
func (e *Editor) Guard(code ...*Insn) {
	h := e.NewLabel()
	e.guardAt = h
	e.guard = append(append([]*Insn{Mark(h)}, code...), &Insn{Op: Athrow})
	first := e.end
	if len(e.Original) > 0 {
		first = e.at[e.Original[0].Offset]
	}
	e.handlers = append(e.handlers, handler{start: first, end: e.end, handler: h})
}

// KeepFrames makes Commit keep the method's own StackMapTable frames,
// moved with their instructions, and compute frames only where the edits
// need new ones. Code inserted without branches needs none, and the JVM then
// checks the program against the very types its compiler declared, so it
// loads no class it would not load anyway to check the new frames.
func (e *Editor) KeepFrames() { e.keep = true }

// Remove deletes the original instruction at off. References to it move to
// whatever follows.
func (e *Editor) Remove(off int) error {
	if _, ok := e.findInsn(off); !ok {
		return fmt.Errorf("%s: no instruction at offset %d", e.where(), off)
	}
	e.removed[off] = true
	return nil
}

// Replace puts code in place of the original instruction at off.
func (e *Editor) Replace(off int, code ...*Insn) error {
	if err := e.Remove(off); err != nil {
		return err
	}
	e.replace[off] = append(e.replace[off], code...)
	return nil
}

func (e *Editor) where() string {
	return e.c.Name() + "." + e.c.MemberName(e.m) + e.c.MemberDesc(e.m)
}

// list builds the final item list with the pending edits applied.
func (e *Editor) list() []item {
	out := make([]item, 0, len(e.items)+2*len(e.before)+len(e.entry)+len(e.self)+1)
	out = append(out, item{label: e.start})
	for _, n := range e.entry {
		out = append(out, e.wrap(n, prepended, 0))
	}
	for _, it := range e.items {
		if it.label != nil {
			out = append(out, it)
			if it.label.orig >= 0 {
				for _, n := range e.before[it.anchor] {
					out = append(out, e.wrap(n, insertedBefore, it.anchor))
				}
				if l := e.self[it.anchor]; l != nil {
					out = append(out, item{label: l, anchor: it.anchor})
				}
			}
			continue
		}
		off := it.anchor
		if e.removed[off] {
			for _, n := range e.replace[off] {
				out = append(out, e.wrap(n, replacing, off))
			}
		} else {
			out = append(out, it)
		}
		for _, n := range e.after[off] {
			out = append(out, e.wrap(n, insertedAfter, off))
		}
	}
	for _, n := range e.guard {
		out = append(out, e.wrap(n, guarding, len(e.code.Code)))
	}
	return out
}

func (e *Editor) wrap(n *Insn, from placement, anchor int) item {
	if n.Op == markOp {
		return item{label: n.Target, from: from, anchor: anchor}
	}
	return item{insn: n, from: from, anchor: anchor}
}

// Origin says where the instruction at offset off of the committed code
// comes from: the original offset of that instruction, or of the
// instruction that code inserted before, after or in place of it belongs to
// (inserted is then true; code prepended at the entry belongs to offset 0,
// the exception guard to the end of the original code). It is valid after
// Commit; an offset inside an instruction is taken as that instruction.
func (e *Editor) Origin(off int) (orig int, inserted bool) {
	k := sort.Search(len(e.trace), func(i int) bool { return e.trace[i].offset > off }) - 1
	if k < 0 {
		return 0, false
	}
	t := e.trace[k]
	return t.anchor, t.from != original
}

// describe names the offset off of the committed code by its origin.
func (e *Editor) describe(off int) string {
	k := sort.Search(len(e.trace), func(i int) bool { return e.trace[i].offset > off }) - 1
	if k < 0 {
		return fmt.Sprintf("offset %d", off)
	}
	t := e.trace[k]
	switch t.from {
	case insertedBefore:
		return fmt.Sprintf("code inserted before offset %d", t.anchor)
	case insertedAfter:
		return fmt.Sprintf("code inserted after offset %d", t.anchor)
	case replacing:
		return fmt.Sprintf("code replacing offset %d", t.anchor)
	case prepended:
		return "code prepended at the method's entry"
	case guarding:
		return "the exception guard's code"
	}
	return fmt.Sprintf("offset %d", t.anchor)
}

// originalError restates an error from encoding or frame computation, which
// see the edited code, at the original offset it comes from.
func (e *Editor) originalError(err error) error {
	var fe *FrameError
	var de *DecodeError
	switch {
	case errors.As(err, &fe):
		orig, inserted := e.Origin(fe.Offset)
		msg := fe.Msg
		if inserted {
			msg += " (in " + e.describe(fe.Offset) + ")"
		}
		return &FrameError{Class: fe.Class, Method: fe.Method, Offset: orig, Msg: msg}
	case errors.As(err, &de):
		if de.Op == Nop {
			return fmt.Errorf("%s: %s: %s", e.where(), e.describe(de.Offset), de.Msg)
		}
		return fmt.Errorf("%s: %s: %s: %s", e.where(), e.describe(de.Offset), de.Op, de.Msg)
	}
	return fmt.Errorf("%s: %w", e.where(), err)
}

// invert gives the conditional branch with the opposite condition.
func invert(op Opcode) Opcode {
	switch op {
	case Ifeq:
		return Ifne
	case Ifne:
		return Ifeq
	case Iflt:
		return Ifge
	case Ifge:
		return Iflt
	case Ifgt:
		return Ifle
	case Ifle:
		return Ifgt
	case IfIcmpeq:
		return IfIcmpne
	case IfIcmpne:
		return IfIcmpeq
	case IfIcmplt:
		return IfIcmpge
	case IfIcmpge:
		return IfIcmplt
	case IfIcmpgt:
		return IfIcmple
	case IfIcmple:
		return IfIcmpgt
	case IfAcmpeq:
		return IfAcmpne
	case IfAcmpne:
		return IfAcmpeq
	case Ifnull:
		return Ifnonnull
	case Ifnonnull:
		return Ifnull
	}
	return op
}

// size is an instruction's encoded length at offset off.
func (n *Insn) size(off int) int {
	switch n.Op {
	case Tableswitch:
		return 1 + pad(off) + 12 + 4*len(n.Targets)
	case Lookupswitch:
		return 1 + pad(off) + 8 + 8*len(n.Keys)
	case Goto, Jsr:
		if n.long {
			return 5
		}
		return 3
	case GotoW, JsrW:
		return 5
	}
	if n.Op.IsBranchOp() {
		if n.long {
			return 3 + 5 // inverted branch over a goto_w
		}
		return 3
	}
	return instructionLength(n.Op, n.Wide)
}

func pad(off int) int { return (4 - (off+1)%4) % 4 }

// layout assigns offsets, widening branches that do not reach until nothing
// changes. Widening only grows code, so it terminates. See JVMS §4.7.3 (code
// length) and §6.5 goto_w.
func (e *Editor) layout(items []item) (int, error) {
	for {
		off := 0
		for _, it := range items {
			if it.label != nil {
				it.label.offset = off
				continue
			}
			off += it.insn.size(off)
		}
		if off > 65535 {
			return off, fmt.Errorf("%s: code would be %d bytes, over the 65535-byte limit of JVMS §4.7.3", e.where(), off)
		}
		grew := false
		off = 0
		for _, it := range items {
			if it.insn == nil {
				continue
			}
			n := it.insn
			if n.Target != nil && n.Op != markOp && !n.long && n.Op != GotoW && n.Op != JsrW {
				d := n.Target.offset - off
				if d < -32768 || d > 32767 {
					n.long = true
					grew = true
				}
			}
			off += n.size(off)
		}
		if !grew {
			return off, nil
		}
	}
}

// Commit encodes the edited code into the method's Code attribute, remaps
// exception ranges and debug tables, and recomputes max_stack, max_locals and
// (for version 50 and up) the StackMapTable with fc, made for this class.
// Errors name the original offset they come from. The result is checked
// against the format rules a JVM applies when it loads the class
// (CheckCode), so a method it would refuse is an error here.
func (e *Editor) Commit(fc *FrameComputer) (*FrameResult, error) {
	var orig map[int]*frame
	if e.keep && e.c.Major >= 50 {
		var err error
		if orig, err = declaredFrames(fc.lat, e.c, e.m, e.code); err != nil {
			return nil, fmt.Errorf("%s: StackMapTable: %w", e.where(), err)
		}
		// An uninitialized type names its new instruction, wherever code
		// inserted before it puts it. See JVMS §4.7.4.
		for _, f := range orig {
			for _, vs := range [][]Type{f.locals, f.stack} {
				for _, v := range vs {
					if v.Kind() == KUninit {
						if _, ok := e.findInsn(v.arg()); !ok {
							return nil, fmt.Errorf("%s: StackMapTable: uninitialized(%d) does not name an instruction", e.where(), v.arg())
						}
						e.selfLabel(v.arg())
					}
				}
			}
		}
	}
	items := e.list()
	if _, err := e.layout(items); err != nil {
		return nil, err
	}
	var insns []Instruction
	e.trace = e.trace[:0]
	off := 0
	for _, it := range items {
		if it.insn == nil {
			continue
		}
		n := it.insn
		e.trace = append(e.trace, traced{offset: off, from: it.from, anchor: it.anchor})
		in := Instruction{Offset: off, Op: n.Op, Wide: n.Wide, Index: n.Index, Const: n.Const}
		switch {
		case n.Op == Tableswitch || n.Op == Lookupswitch:
			sw := &Switch{Default: n.Default.offset, Low: n.Low, High: n.High, Keys: n.Keys, Targets: make([]int, len(n.Targets))}
			for k, t := range n.Targets {
				sw.Targets[k] = t.offset
			}
			if len(n.Pad) == pad(off) {
				sw.Pad = n.Pad
			}
			in.Switch = sw
		case n.Target != nil && n.long && (n.Op == Goto || n.Op == Jsr):
			in.Op = GotoW
			if n.Op == Jsr {
				in.Op = JsrW
			}
			in.Target = n.Target.offset
		case n.Target != nil && n.long:
			// if<cond> L  =>  if<!cond> +8; goto_w L
			insns = append(insns, Instruction{Offset: off, Op: invert(n.Op), Target: off + 8})
			in = Instruction{Offset: off + 3, Op: GotoW, Target: n.Target.offset}
		case n.Target != nil:
			in.Target = n.Target.offset
		}
		insns = append(insns, in)
		off += n.size(off)
	}
	var declared map[int]*frame
	if len(orig) > 0 || (e.keep && e.c.Major >= 50 && e.guardAt != nil) {
		var err error
		if declared, err = e.moveFrames(orig); err != nil {
			return nil, err
		}
		if e.guardAt != nil {
			// The guard uses no local: declaring them all top spares the
			// JVM any assignability check against the method's locals.
			declared[e.guardAt.offset] = &frame{stack: []Type{tThrowable}}
		}
	} else if e.c.Major >= 50 {
		// The compiler's frames, moved with the code, name the types where
		// a merge needs a class outside the hierarchy (see FrameComputer).
		fc.hints = func() map[int]*frame {
			orig, _ := e.movedFrames(fc.lat)
			return orig
		}
	}
	code, err := Encode(insns)
	if err != nil {
		return nil, e.originalError(err)
	}
	e.code.Code = code
	fc.declared = declared
	kept := e.remapTables()
	res, err := fc.Compute(e.m)
	if err != nil {
		return nil, e.originalError(err)
	}
	e.remapTypeAnnotations(kept)
	if err := CheckCode(e.c, e.m); err != nil {
		return nil, err
	}
	return res, nil
}

// movedFrames is the method's StackMapTable as it stood before the edit,
// each frame at its instruction's new offset (see moveFrames).
func (e *Editor) movedFrames(lat *Lattice) (map[int]*frame, error) {
	orig, err := declaredFrames(lat, e.c, e.m, e.code)
	if err != nil {
		return nil, fmt.Errorf("%s: StackMapTable: %w", e.where(), err)
	}
	return e.moveFrames(orig)
}

// moveFrames places frames declared at original offsets at their
// instructions' new entries. An uninitialized type names its new instruction
// itself, after any code inserted before it, where Commit labelled it so;
// otherwise the instruction's entry. See JVMS §4.7.4.
func (e *Editor) moveFrames(orig map[int]*frame) (map[int]*frame, error) {
	moved := func(vs []Type) []Type {
		out := append([]Type(nil), vs...)
		for i, v := range out {
			if v.Kind() != KUninit {
				continue
			}
			if l := e.self[v.arg()]; l != nil {
				out[i] = uninit(l.offset)
			} else if l := e.at[v.arg()]; l != nil {
				out[i] = uninit(l.offset)
			}
		}
		return out
	}
	out := make(map[int]*frame, len(orig))
	for off, f := range orig {
		l := e.at[off]
		if l == nil {
			return nil, fmt.Errorf("%s: StackMapTable frame at %d is not at an instruction", e.where(), off)
		}
		out[l.offset] = &frame{locals: moved(f.locals), stack: moved(f.stack)}
	}
	return out, nil
}

// remapTables writes the exception table and the debug tables back with the
// edited offsets, and returns the handlers kept, as indices into e.handlers
// in table order. The choice per table, for code inserted before an
// original instruction X (probes at block starts, hooks before an
// instruction):
//
//   - Exception table (JVMS §4.7.3): handler_pc is X's entry, so a handler's
//     own probe runs when it catches. A range starting at X starts at X's
//     entry and a range ending at X ends at X's entry: code inserted before
//     X is covered exactly by the ranges that cover X. That is what keeps
//     the program's behaviour when the inserted code throws (a Throwable
//     from a probe at the start of a synchronized block reaches the
//     handler that releases the monitor, as one from X would; a probe after
//     the block's monitorexit is outside it) and what ASM-based tools do,
//     whose try-catch labels precede code inserted at them. A range that
//     covers its own handler (javac's around a synchronized block's
//     monitorexit) covers the handler's probe too, as it covers the
//     handler's first instruction.
//   - LineNumberTable (§4.7.12): an entry at X starts at X's entry, so the
//     inserted code counts to X's line. Otherwise it would count to whatever
//     line precedes it in the code (for a probe at a loop head, the loop's
//     last line), and a stack trace or a debugger stepping through it would
//     name a line the program is not at.
//   - LocalVariableTable and LocalVariableTypeTable (§4.7.13, §4.7.14):
//     ranges run from X's entry to the entry of the instruction they end
//     at, like exception ranges: inserted code sees the variables X sees
//     (it does not write them, so their values are the same). Entries that
//     start at offset 0 start before prepended code too: parameters hold
//     their values from the method's entry.
//   - Type annotations (§4.7.20.1): offset_target and type_argument_target
//     name an instruction (the new, instanceof, checkcast, invocation or
//     method reference itself), so they point at X, after the inserted
//     code; a removed instruction takes its annotations with it.
//     localvar_target ranges are remapped as the LocalVariableTable's, so
//     they keep agreeing with it; catch_target follows its exception table
//     entry to the entry's new index (remapTypeAnnotations).
//   - StackMapTable (§4.7.4, kept frames only): a frame at X stands at X's
//     entry, where control arrives; uninitialized(X) names the new at X
//     itself (Commit).
//
// Entries whose range lost all its code (removed instructions) are dropped.
func (e *Editor) remapTables() []int {
	hs := make([]classfile.ExceptionHandler, 0, len(e.handlers))
	kept := make([]int, 0, len(e.handlers))
	for k, h := range e.handlers {
		if h.start.offset >= h.end.offset {
			continue // the range's code was removed
		}
		hs = append(hs, classfile.ExceptionHandler{StartPC: uint16(h.start.offset), EndPC: uint16(h.end.offset),
			HandlerPC: uint16(h.handler.offset), CatchType: h.catchType})
		kept = append(kept, k)
	}
	e.code.Handlers = hs
	for t, ls := range e.lines {
		t.Lines = t.Lines[:0]
		for _, l := range ls {
			t.Lines = append(t.Lines, classfile.LineNumber{StartPC: uint16(l.at.offset), Line: l.line})
		}
	}
	for t, vs := range e.locals {
		t.Vars = t.Vars[:0]
		for _, v := range vs {
			lv := v.v
			lv.StartPC = uint16(v.start.offset)
			lv.Length = uint16(v.end.offset - v.start.offset)
			t.Vars = append(t.Vars, lv)
		}
	}
	return kept
}

// remapTypeAnnotations points the code's type annotations at their targets
// in the edited code (see remapTables). It runs after frame computation,
// which may have cut unreachable code out of exception ranges, splitting or
// dropping entries: a catch_target follows its entry to every piece of it,
// and goes with it.
func (e *Editor) remapTypeAnnotations(kept []int) {
	if len(e.typeAnns) == 0 {
		return
	}
	pieces := handlerPieces(e.handlers, kept, e.code.Handlers)
	for t, ls := range e.typeAnns {
		out := make([]classfile.TypeAnnotation, 0, len(t.Annotations))
		for k, ta := range t.Annotations {
			l := ls[k]
			if l.drop || (l.insn != nil && e.removed[l.orig]) {
				continue
			}
			switch {
			case l.insn != nil:
				ta.Offset = uint16(l.insn.offset)
			case ta.TargetType == classfile.TargetLocalVariable || ta.TargetType == classfile.TargetResourceVariable:
				vars := make([]classfile.LocalVarTarget, 0, len(ta.LocalVars))
				for j, v := range ta.LocalVars {
					s, en := l.vars[j][0], l.vars[j][1]
					if s == nil || en == nil || s.offset > en.offset {
						continue
					}
					v.StartPC, v.Length = uint16(s.offset), uint16(en.offset-s.offset)
					vars = append(vars, v)
				}
				if len(vars) == 0 {
					continue
				}
				ta.LocalVars = vars
			case ta.TargetType == classfile.TargetExceptionParameter:
				for _, idx := range pieces[l.handler] {
					ta.Index = uint16(idx)
					out = append(out, ta)
				}
				continue
			}
			out = append(out, ta)
		}
		t.Annotations = out
	}
}

// handlerPieces maps each of the editor's handlers to the indices of the
// entries of the final exception table that came from it. kept lists the
// handlers written, in table order; the final table holds each of them,
// cut into zero, one or two pieces, in the same order.
func handlerPieces(hs []handler, kept []int, final []classfile.ExceptionHandler) map[int][]int {
	out := map[int][]int{}
	k, last := 0, -1 // the entry the previous piece came from, and where that piece ended
	for j, f := range final {
		for ; k < len(kept); k, last = k+1, -1 {
			h := hs[kept[k]]
			// Pieces of one entry do not overlap and come in order; an
			// identical entry that follows is an entry of its own.
			if f.HandlerPC == uint16(h.handler.offset) && f.CatchType == h.catchType &&
				int(f.StartPC) >= h.start.offset && int(f.EndPC) <= h.end.offset && int(f.StartPC) >= last {
				break
			}
		}
		if k == len(kept) {
			break
		}
		out[kept[k]] = append(out[kept[k]], j)
		last = int(f.EndPC)
	}
	return out
}

// LoadConstant is ldc or ldc_w of a one-slot constant, whichever the index needs.
func LoadConstant(index uint16) *Insn {
	if index <= 0xFF {
		return &Insn{Op: Ldc, Index: int(index)}
	}
	return &Insn{Op: LdcW, Index: int(index)}
}

// PushInt is the shortest instruction that pushes v: iconst_*, bipush,
// sipush, or ldc of an Integer constant.
func PushInt(pool *classfile.ConstantPool, v int) (*Insn, error) {
	switch {
	case v >= -1 && v <= 5:
		return &Insn{Op: Iconst0 + Opcode(v), Index: v}, nil
	case v >= -128 && v <= 127:
		return &Insn{Op: Bipush, Const: v}, nil
	case v >= -32768 && v <= 32767:
		return &Insn{Op: Sipush, Const: v}, nil
	}
	i, err := pool.AddInteger(int32(v))
	if err != nil {
		return nil, err
	}
	return LoadConstant(i), nil
}

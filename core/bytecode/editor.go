package bytecode

import (
	"fmt"
	"maps"

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

// item is one element of the code list: a label or an instruction.
type item struct {
	label *Label
	insn  *Insn
}

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
type Editor struct {
	c     *classfile.Class
	m     *classfile.Member
	code  *classfile.Code
	items []item
	at    map[int]*Label // original offset -> its label
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
	// Original instructions, in order.
	Original []Instruction
}

type typeAnnLabels struct {
	offset *Label
	vars   [][2]*Label
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
	e := &Editor{c: c, m: m, code: code, Original: insns,
		at: make(map[int]*Label, len(insns)+1), before: map[int][]*Insn{}, after: map[int][]*Insn{}, removed: map[int]bool{}, replace: map[int][]*Insn{}}
	label := func(off int) *Label {
		if l := e.at[off]; l != nil {
			return l
		}
		l := &Label{orig: off}
		e.at[off] = l
		return l
	}
	labelAt := func(off int, what string) (*Label, error) {
		if off == len(code.Code) {
			return label(off), nil
		}
		if _, ok := e.findInsn(off); !ok {
			return nil, fmt.Errorf("%s.%s%s: %s %d is not an instruction start", c.Name(), c.MemberName(m), c.MemberDesc(m), what, off)
		}
		return label(off), nil
	}
	for _, in := range insns {
		label(in.Offset)
	}
	e.end = label(len(code.Code))
	for _, in := range insns {
		n := &Insn{Op: in.Op, Wide: in.Wide, Index: in.Index, Const: in.Const}
		if in.Op.IsBranchOp() {
			if n.Target, err = labelAt(in.Target, "branch target"); err != nil {
				return nil, err
			}
		}
		if sw := in.Switch; sw != nil {
			n.Low, n.High, n.Keys, n.Pad = sw.Low, sw.High, sw.Keys, sw.Pad
			if n.Default, err = labelAt(sw.Default, "switch default"); err != nil {
				return nil, err
			}
			n.Targets = make([]*Label, len(sw.Targets))
			for k, t := range sw.Targets {
				if n.Targets[k], err = labelAt(t, "switch target"); err != nil {
					return nil, err
				}
			}
		}
		e.items = append(e.items, item{label: e.at[in.Offset]}, item{insn: n})
	}
	e.items = append(e.items, item{label: e.end})
	for _, h := range code.Handlers {
		var hd handler
		if hd.start, err = labelAt(int(h.StartPC), "exception range start"); err != nil {
			return nil, err
		}
		if hd.end, err = labelAt(int(h.EndPC), "exception range end"); err != nil {
			return nil, err
		}
		if hd.handler, err = labelAt(int(h.HandlerPC), "handler"); err != nil {
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
				if lb := e.at[int(l.StartPC)]; lb != nil {
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
				s, en := e.at[int(v.StartPC)], e.at[int(v.StartPC)+int(v.Length)]
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
			for k, t := range a.Annotations {
				ls[k].offset = e.at[int(t.Offset)]
				for _, v := range t.LocalVars {
					ls[k].vars = append(ls[k].vars, [2]*Label{e.at[int(v.StartPC)], e.at[int(v.StartPC)+int(v.Length)]})
				}
			}
			e.typeAnns[a] = ls
		}
	}
	return e, nil
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

// InsertBefore inserts code before the original instruction at off. Every
// reference to that instruction (branches, handler starts, exception ranges
// starting there, line numbers) now reaches the inserted code first, which is
// what probes at block starts and epilogues before returns want.
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
	out := make([]item, 0, len(e.items)+2*len(e.before)+len(e.entry))
	for _, n := range e.entry {
		out = append(out, e.wrap(n))
	}
	var pendingOff = -1
	for _, it := range e.items {
		if it.label != nil {
			out = append(out, it)
			if it.label.orig >= 0 {
				pendingOff = it.label.orig
				for _, n := range e.before[pendingOff] {
					out = append(out, e.wrap(n))
				}
			}
			continue
		}
		if e.removed[pendingOff] {
			for _, n := range e.replace[pendingOff] {
				out = append(out, e.wrap(n))
			}
		} else {
			out = append(out, it)
		}
		for _, n := range e.after[pendingOff] {
			out = append(out, e.wrap(n))
		}
	}
	for _, n := range e.guard {
		out = append(out, e.wrap(n))
	}
	return out
}

func (e *Editor) wrap(n *Insn) item {
	if n.Op == markOp {
		return item{label: n.Target}
	}
	return item{insn: n}
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
func (e *Editor) Commit(fc *FrameComputer) (*FrameResult, error) {
	items := e.list()
	if _, err := e.layout(items); err != nil {
		return nil, err
	}
	var insns []Instruction
	off := 0
	for _, it := range items {
		if it.insn == nil {
			continue
		}
		n := it.insn
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
	if e.keep && e.c.Major >= 50 {
		orig, err := e.movedFrames()
		if err != nil {
			return nil, err
		}
		if len(orig) > 0 || e.guardAt != nil {
			declared = map[int]*frame{}
		}
		maps.Copy(declared, orig)
		if e.guardAt != nil {
			// The guard uses no local: declaring them all top spares the
			// JVM any assignability check against the method's locals.
			declared[e.guardAt.offset] = &frame{stack: []VType{ref("java/lang/Throwable")}}
		}
	} else if e.c.Major >= 50 {
		// The compiler's frames, moved with the code, name the types where
		// a merge needs a class outside the hierarchy (see FrameComputer).
		fc.hints = func() map[int]*frame {
			orig, _ := e.movedFrames()
			return orig
		}
	}
	code, err := Encode(insns)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.where(), err)
	}
	e.code.Code = code
	fc.declared = declared
	e.remapTables()
	return fc.Compute(e.m)
}

// movedFrames is the method's StackMapTable as it stood before the edit,
// each frame at its instruction's new offset, uninitialized types naming
// their new instructions' new offsets.
func (e *Editor) movedFrames() (map[int]*frame, error) {
	orig, err := declaredFrames(e.c, e.m, e.code)
	if err != nil {
		return nil, fmt.Errorf("%s: StackMapTable: %w", e.where(), err)
	}
	moved := func(vs []VType) []VType {
		out := append([]VType(nil), vs...)
		for i, v := range out {
			if v.Kind == KUninit {
				if l := e.at[int(v.Offset)]; l != nil {
					out[i].Offset = int32(l.offset)
				}
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

func (e *Editor) remapTables() {
	hs := make([]classfile.ExceptionHandler, 0, len(e.handlers))
	for _, h := range e.handlers {
		if h.start.offset >= h.end.offset {
			continue // the range's code was removed
		}
		hs = append(hs, classfile.ExceptionHandler{StartPC: uint16(h.start.offset), EndPC: uint16(h.end.offset),
			HandlerPC: uint16(h.handler.offset), CatchType: h.catchType})
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
	for t, ls := range e.typeAnns {
		for k := range t.Annotations {
			ta := &t.Annotations[k]
			if l := ls[k].offset; l != nil {
				ta.Offset = uint16(l.offset)
			}
			for j := range ta.LocalVars {
				if j < len(ls[k].vars) && ls[k].vars[j][0] != nil && ls[k].vars[j][1] != nil {
					s, en := ls[k].vars[j][0].offset, ls[k].vars[j][1].offset
					ta.LocalVars[j].StartPC = uint16(s)
					ta.LocalVars[j].Length = uint16(en - s)
				}
			}
		}
	}
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

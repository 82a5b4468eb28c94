package native

import (
	"strconv"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
)

// The helpful NullPointerException messages of JEP 358 ("Cannot load from
// int array because "<local1>" is null"), which JDK 17 gives by default.
// HotSpot computes one when the message is first asked for, from the
// method's bytecode: a simulation of the operand stack that records, for
// each entry, the offset of the instruction that pushed it (ambiguous after
// a merge of two), then a description of the failed instruction and of the
// source of the null. Compiled code throws its NullPointerExceptions with
// the same text, computed here at compile time by the same simulation, in
// the same order of visits: HotSpot stops its sweep over the code as soon
// as the failing offset has a stack, so a loop body's entries may not yet
// be merged with the back edge's, and the text follows from that state.
// The JVMS §6.5 entries give each instruction's stack effect.

const (
	npeMaxDetail = 5  // the depth of the description of the null's source
	npeNoBCI     = -1 // an entry pushed by different instructions on merging paths
)

// npeStack is a simulated operand stack: each entry the offset that pushed
// it (a long or double takes two), and the local slots stored to on some
// path to here (slots beyond 63 count as always written).
type npeStack struct {
	e       []int
	written uint64
}

func (s *npeStack) clone() *npeStack {
	return &npeStack{e: append([]int(nil), s.e...), written: s.written}
}

func (s *npeStack) push(bci, size int) {
	for ; size > 0; size-- {
		s.e = append(s.e, bci)
	}
}

func (s *npeStack) pop(n int) {
	if n > len(s.e) {
		n = len(s.e)
	}
	s.e = s.e[:len(s.e)-n]
}

// at is entry k counted from the top (0 is the top).
func (s *npeStack) at(k int) int {
	if k < 0 || k >= len(s.e) {
		return npeNoBCI
	}
	return s.e[len(s.e)-1-k]
}

func (s *npeStack) wrote(slot int) bool { return slot > 63 || s.written&(1<<uint(slot)) != 0 }

// mergeFrom merges o into s: entries that differ lose their offset.
func (s *npeStack) mergeFrom(o *npeStack) {
	for i := range s.e {
		if i < len(o.e) && s.e[i] != o.e[i] {
			s.e[i] = npeNoBCI
		}
	}
	s.written |= o.written
}

type npeBuilder struct {
	c      *classfile.Class
	m      *classfile.Member
	code   *classfile.Code
	insns  []bytecode.Instruction
	byOff  map[int]int
	stacks []*npeStack // by offset; len(code)+1 entries
	added  bool
	all    bool
}

// NPEMessages computes the message HotSpot gives a NullPointerException
// thrown at each of offsets in method m (the ones compiled code checks);
// an offset with no message (HotSpot's message is null) is absent.
func NPEMessages(c *classfile.Class, m *classfile.Member, insns []bytecode.Instruction, offsets []int) map[int]string {
	code := m.Code()
	out := map[int]string{}
	if code == nil || len(offsets) == 0 {
		return out
	}
	b := &npeBuilder{c: c, m: m, code: code, insns: insns, byOff: map[int]int{}}
	for i, in := range insns {
		b.byOff[in.Offset] = i
	}
	want := map[int]bool{}
	for _, o := range offsets {
		if _, ok := b.byOff[o]; ok {
			want[o] = true
		}
	}
	b.stacks = make([]*npeStack, len(code.Code)+1)
	b.stacks[0] = &npeStack{}
	for _, h := range code.Handlers {
		if int(h.HandlerPC) < len(b.stacks) && b.stacks[h.HandlerPC] == nil {
			s := &npeStack{}
			s.push(int(h.HandlerPC), 1)
			b.stacks[h.HandlerPC] = s
		}
	}
	// HotSpot runs the sweep for one offset and stops when that offset has
	// a stack after the instruction before it; the sweeps for all offsets
	// are the same until then, so one sweep answers each at its moment.
	b.all, b.added = false, true
	for !b.all && b.added && len(want) > 0 {
		b.all, b.added = true, false
		for k := 0; k < len(insns); k++ {
			b.step(k)
			next := len(code.Code)
			if k+1 < len(insns) {
				next = insns[k+1].Offset
			}
			if want[next] && b.stacks[next] != nil {
				if msg, ok := b.message(next); ok {
					out[next] = msg
				}
				delete(want, next)
			}
		}
	}
	for o := range want { // offset 0, or offsets the sweep never stopped at
		if msg, ok := b.message(o); ok {
			out[o] = msg
		}
	}
	return out
}

func (b *npeBuilder) merge(off int, s *npeStack) {
	if off < 0 || off >= len(b.stacks) {
		return
	}
	if old := b.stacks[off]; old != nil {
		s.mergeFrom(old)
	} else {
		b.added = true
	}
	b.stacks[off] = s.clone()
}

func size(c byte) int {
	switch c {
	case 'J', 'D':
		return 2
	case 'V':
		return 0
	}
	return 1
}

func (b *npeBuilder) memberRef(idx int) (owner, name, desc string) {
	return b.c.Pool.MemberRef(uint16(idx))
}

// argSlots is the stack slots a method descriptor's parameters take, and
// the slots of its result.
func argSlots(desc string) (args, ret int) {
	md, err := classfile.ParseMethodDescriptor(desc)
	if err != nil {
		return 0, 0
	}
	for _, p := range md.Params {
		args += fieldSlots(p)
	}
	if md.Return.Elem == 'V' && md.Return.Dims == 0 {
		return args, 0
	}
	return args, fieldSlots(md.Return)
}

func fieldSlots(t classfile.FieldType) int {
	if t.Dims > 0 {
		return 1
	}
	return size(t.Elem)
}

func descSlots(desc string) int {
	t, err := classfile.ParseFieldType(desc)
	if err != nil {
		return 1
	}
	return fieldSlots(t)
}

// step simulates instruction k on its stack and passes the result on to
// its successors.
func (b *npeBuilder) step(k int) {
	in := &b.insns[k]
	bci := in.Offset
	if b.stacks[bci] == nil {
		b.all = false
		return
	}
	s := b.stacks[bci].clone()
	op := in.Op
	var dests []int
	ended := false
	switch {
	case op == bytecode.Nop:
	case op == bytecode.AconstNull || op >= bytecode.IconstM1 && op <= bytecode.Iconst5 ||
		op == bytecode.Fconst0 || op == bytecode.Fconst1 || op == bytecode.Fconst2 ||
		op == bytecode.Bipush || op == bytecode.Sipush || op == bytecode.New:
		s.push(bci, 1)
	case op == bytecode.Lconst0 || op == bytecode.Lconst1 || op == bytecode.Dconst0 || op == bytecode.Dconst1:
		s.push(bci, 2)
	case op == bytecode.Iload || op == bytecode.Fload || op == bytecode.Aload ||
		op >= bytecode.Iload0 && op <= bytecode.Iload3 || op >= bytecode.Fload0 && op <= bytecode.Fload3 ||
		op >= bytecode.Aload0 && op <= bytecode.Aload3:
		s.push(bci, 1)
	case op == bytecode.Lload || op == bytecode.Dload ||
		op >= bytecode.Lload0 && op <= bytecode.Lload3 || op >= bytecode.Dload0 && op <= bytecode.Dload3:
		s.push(bci, 2)
	case op == bytecode.Iinc:
	case op == bytecode.Ldc || op == bytecode.LdcW || op == bytecode.Ldc2W:
		if k := b.c.Pool.Get(uint16(in.Index)); k != nil {
			switch k.Tag {
			case classfile.TagLong, classfile.TagDouble:
				s.push(bci, 2)
			case classfile.TagInteger, classfile.TagFloat, classfile.TagString, classfile.TagClass:
				s.push(bci, 1)
			}
		}
	case op == bytecode.Laload || op == bytecode.Daload:
		s.pop(2)
		s.push(bci, 2)
	case op >= bytecode.Iaload && op <= bytecode.Saload:
		s.pop(2)
		s.push(bci, 1)
	case op >= bytecode.Istore && op <= bytecode.Astore3:
		s.written |= slotBit(in.Index)
		switch {
		case op == bytecode.Lstore || op == bytecode.Dstore ||
			op >= bytecode.Lstore0 && op <= bytecode.Lstore3 || op >= bytecode.Dstore0 && op <= bytecode.Dstore3:
			s.pop(2)
		default:
			s.pop(1)
		}
	case op == bytecode.Lastore || op == bytecode.Dastore:
		s.pop(4)
	case op >= bytecode.Iastore && op <= bytecode.Sastore:
		s.pop(3)
	case op == bytecode.Pop || op == bytecode.Monitorenter || op == bytecode.Monitorexit:
		s.pop(1)
	case op == bytecode.Pop2:
		s.pop(2)
	case op == bytecode.Dup:
		s.e = append(s.e, s.at(0))
	case op == bytecode.DupX1:
		t1, t2 := s.at(0), s.at(1)
		s.pop(2)
		s.e = append(s.e, t1, t2, t1)
	case op == bytecode.DupX2:
		t1, t2, t3 := s.at(0), s.at(1), s.at(2)
		s.pop(3)
		s.e = append(s.e, t1, t3, t2, t1)
	case op == bytecode.Dup2:
		t1, t2 := s.at(0), s.at(1)
		s.e = append(s.e, t2, t1)
	case op == bytecode.Dup2X1:
		t1, t2, t3 := s.at(0), s.at(1), s.at(2)
		s.pop(3)
		s.e = append(s.e, t2, t1, t3, t2, t1)
	case op == bytecode.Dup2X2:
		t1, t2, t3, t4 := s.at(0), s.at(1), s.at(2), s.at(3)
		s.pop(4)
		s.e = append(s.e, t2, t1, t4, t3, t2, t1)
	case op == bytecode.Swap:
		t1, t2 := s.at(0), s.at(1)
		s.pop(2)
		s.e = append(s.e, t1, t2)
	case op >= bytecode.Iadd && op <= bytecode.Lxor && !(op >= bytecode.Ineg && op <= bytecode.Dneg) &&
		!(op >= bytecode.Ishl && op <= bytecode.Lushr):
		w := 1
		if (op-bytecode.Iadd)%4 == 1 || (op-bytecode.Iadd)%4 == 3 { // the long and double forms
			w = 2
		}
		if op >= bytecode.Iand {
			w = 1 + int(op-bytecode.Iand)%2
		}
		s.pop(2 * w)
		s.push(bci, w)
	case op >= bytecode.Ineg && op <= bytecode.Dneg:
		w := 1 + int(op-bytecode.Ineg)%2
		s.pop(w)
		s.push(bci, w)
	case op >= bytecode.Ishl && op <= bytecode.Lushr:
		w := 1 + int(op-bytecode.Ishl)%2
		s.pop(1 + w)
		s.push(bci, w)
	case op >= bytecode.I2l && op <= bytecode.I2s:
		from, to := convWidths(op)
		s.pop(from)
		s.push(bci, to)
	case op == bytecode.Lcmp || op == bytecode.Dcmpl || op == bytecode.Dcmpg:
		s.pop(4)
		s.push(bci, 1)
	case op == bytecode.Fcmpl || op == bytecode.Fcmpg:
		s.pop(2)
		s.push(bci, 1)
	case op >= bytecode.Ifeq && op <= bytecode.Ifle || op == bytecode.Ifnull || op == bytecode.Ifnonnull:
		s.pop(1)
		dests = append(dests, in.Target)
	case op >= bytecode.IfIcmpeq && op <= bytecode.IfAcmpne:
		s.pop(2)
		dests = append(dests, in.Target)
	case op == bytecode.Goto || op == bytecode.GotoW:
		dests = append(dests, in.Target)
		ended = true
	case op == bytecode.Jsr || op == bytecode.JsrW:
		s.push(bci, 1)
		dests = append(dests, in.Target)
		ended = true
	case op == bytecode.Ret:
		ended = true
	case op == bytecode.Tableswitch || op == bytecode.Lookupswitch:
		s.pop(1)
		dests = append(dests, in.Switch.Default)
		dests = append(dests, in.Switch.Targets...)
	case op >= bytecode.Ireturn && op <= bytecode.Return || op == bytecode.Athrow:
		ended = true // the stack is dropped
	case op == bytecode.Getstatic || op == bytecode.Getfield:
		_, _, desc := b.memberRef(in.Index)
		if op == bytecode.Getfield {
			s.pop(1)
		}
		s.push(bci, descSlots(desc))
	case op == bytecode.Putstatic || op == bytecode.Putfield:
		_, _, desc := b.memberRef(in.Index)
		s.pop(descSlots(desc))
		if op == bytecode.Putfield {
			s.pop(1)
		}
	case op >= bytecode.Invokevirtual && op <= bytecode.Invokedynamic:
		var desc string
		if op == bytecode.Invokedynamic {
			if k := b.c.Pool.Get(uint16(in.Index)); k != nil {
				desc = b.c.Pool.Utf8(b.natDesc(k.B))
			}
		} else {
			_, _, desc = b.memberRef(in.Index)
		}
		if op != bytecode.Invokestatic && op != bytecode.Invokedynamic {
			s.pop(1)
		}
		args, ret := argSlots(desc)
		s.pop(args)
		s.push(bci, ret)
	case op == bytecode.Newarray || op == bytecode.Anewarray || op == bytecode.Instanceof || op == bytecode.Arraylength:
		s.pop(1)
		s.push(bci, 1)
	case op == bytecode.Checkcast:
	case op == bytecode.Multianewarray:
		s.pop(in.Const)
		s.push(bci, 1)
	default:
		// HotSpot gives up on what it does not know, keeping what it has.
		b.all, b.added = false, false
		return
	}
	if !ended {
		next := len(b.code.Code)
		if k+1 < len(b.insns) {
			next = b.insns[k+1].Offset
		}
		b.merge(next, s)
	}
	for _, d := range dests {
		b.merge(d, s)
	}
}

// natDesc is the descriptor index of a NameAndType entry.
func (b *npeBuilder) natDesc(nat uint16) uint16 {
	if k := b.c.Pool.Get(nat); k != nil {
		return k.B
	}
	return 0
}

func slotBit(slot int) uint64 {
	if slot > 63 {
		return 0
	}
	return 1 << uint(slot)
}

// convWidths is the slots a conversion pops and pushes (JVMS §6.5.i2l…i2s).
func convWidths(op bytecode.Opcode) (int, int) {
	switch op {
	case bytecode.I2l, bytecode.I2d, bytecode.F2l, bytecode.F2d:
		return 1, 2
	case bytecode.L2i, bytecode.L2f, bytecode.D2i, bytecode.D2f:
		return 2, 1
	case bytecode.L2d, bytecode.D2l:
		return 2, 2
	}
	return 1, 1
}

// nullSlot is the stack entry, from the top, that holds the reference
// instruction in dereferences; false for instructions that throw no
// implicit NullPointerException (and for constructor calls, which HotSpot
// takes for an explicitly made exception).
func (b *npeBuilder) nullSlot(in *bytecode.Instruction) (int, bool) {
	switch op := in.Op; {
	case op == bytecode.Getfield || op == bytecode.Arraylength || op == bytecode.Athrow ||
		op == bytecode.Monitorenter || op == bytecode.Monitorexit:
		return 0, true
	case op >= bytecode.Iaload && op <= bytecode.Saload:
		return 1, true
	case op == bytecode.Lastore || op == bytecode.Dastore:
		return 3, true
	case op >= bytecode.Iastore && op <= bytecode.Sastore:
		return 2, true
	case op == bytecode.Putfield:
		_, _, desc := b.memberRef(in.Index)
		return descSlots(desc), true
	case op == bytecode.Invokevirtual || op == bytecode.Invokespecial || op == bytecode.Invokeinterface:
		_, name, desc := b.memberRef(in.Index)
		if name == "<init>" {
			return 0, false
		}
		args, _ := argSlots(desc)
		return args, true
	}
	return 0, false
}

var npeActions = map[bytecode.Opcode]string{
	bytecode.Iaload: "Cannot load from int array", bytecode.Faload: "Cannot load from float array",
	bytecode.Aaload: "Cannot load from object array", bytecode.Baload: "Cannot load from byte/boolean array",
	bytecode.Caload: "Cannot load from char array", bytecode.Saload: "Cannot load from short array",
	bytecode.Laload: "Cannot load from long array", bytecode.Daload: "Cannot load from double array",
	bytecode.Iastore: "Cannot store to int array", bytecode.Fastore: "Cannot store to float array",
	bytecode.Aastore: "Cannot store to object array", bytecode.Bastore: "Cannot store to byte/boolean array",
	bytecode.Castore: "Cannot store to char array", bytecode.Sastore: "Cannot store to short array",
	bytecode.Lastore: "Cannot store to long array", bytecode.Dastore: "Cannot store to double array",
	bytecode.Arraylength: "Cannot read the array length", bytecode.Athrow: "Cannot throw exception",
	bytecode.Monitorenter: "Cannot enter synchronized block", bytecode.Monitorexit: "Cannot exit synchronized block",
}

// message is the whole text for a NullPointerException at off.
func (b *npeBuilder) message(off int) (string, bool) {
	in := &b.insns[b.byOff[off]]
	slot, ok := b.nullSlot(in)
	if !ok {
		return "", false
	}
	var sb strings.Builder
	switch in.Op {
	case bytecode.Getfield:
		_, name, _ := b.memberRef(in.Index)
		sb.WriteString(`Cannot read field "` + name + `"`)
	case bytecode.Putfield:
		_, name, _ := b.memberRef(in.Index)
		sb.WriteString(`Cannot assign field "` + name + `"`)
	case bytecode.Invokevirtual, bytecode.Invokespecial, bytecode.Invokeinterface:
		sb.WriteString(`Cannot invoke "` + b.methodName(in.Index) + `"`)
	default:
		sb.WriteString(npeActions[in.Op])
	}
	if b.cause(&sb, off, slot, npeMaxDetail, false, ` because "`) {
		sb.WriteString(`" is null`)
	}
	return sb.String(), true
}

// cause describes the instruction that pushed stack entry slot at offset
// bci, recursing into array and field expressions; false if nothing was
// written (the prefix may have been).
func (b *npeBuilder) cause(sb *strings.Builder, bci, slot, detail int, inner bool, prefix string) bool {
	if detail <= 0 || bci < 0 || bci >= len(b.stacks) || b.stacks[bci] == nil {
		return false
	}
	st := b.stacks[bci]
	src := st.at(slot)
	if src == npeNoBCI {
		return false
	}
	k, ok := b.byOff[src]
	if !ok {
		return false
	}
	in := &b.insns[k]
	op := in.Op
	isInvoke := op >= bytecode.Invokevirtual && op <= bytecode.Invokeinterface
	if detail == npeMaxDetail && prefix != "" && !isInvoke {
		sb.WriteString(prefix)
	}
	switch {
	case op == bytecode.Iload || op == bytecode.Aload || op >= bytecode.Iload0 && op <= bytecode.Iload3 ||
		op >= bytecode.Aload0 && op <= bytecode.Aload3:
		b.localVar(sb, src, in.Index, !st.wrote(in.Index))
		return true
	case op == bytecode.AconstNull:
		sb.WriteString("null")
		return true
	case op >= bytecode.IconstM1 && op <= bytecode.Iconst5:
		sb.WriteString(strconv.Itoa(int(op) - int(bytecode.Iconst0)))
		return true
	case op == bytecode.Bipush:
		sb.WriteString(strconv.Itoa(in.Const))
		return true
	case op == bytecode.Sipush:
		sb.WriteString(strconv.Itoa(int(uint16(in.Const)))) // HotSpot prints the operand unsigned
		return true
	case op == bytecode.Iaload || op == bytecode.Aaload:
		if !b.cause(sb, src, 1, detail-1, inner, "") {
			sb.WriteString("<array>")
		}
		sb.WriteString("[")
		if !b.cause(sb, src, 0, detail, true, "") {
			sb.WriteString("...")
		}
		sb.WriteString("]")
		return true
	case op == bytecode.Getstatic:
		owner, name, _ := b.memberRef(in.Index)
		sb.WriteString(klassName(owner) + "." + name)
		return true
	case op == bytecode.Getfield:
		if b.cause(sb, src, 0, detail-1, inner, "") {
			sb.WriteString(".")
		}
		_, name, _ := b.memberRef(in.Index)
		sb.WriteString(name)
		return true
	case isInvoke:
		if detail == npeMaxDetail && !inner {
			sb.WriteString(` because the return value of "`)
		}
		sb.WriteString(b.methodName(in.Index))
		return true
	}
	return false
}

// localVar names a local: from the LocalVariableTable when an entry covers
// bci, else this, <parameterN> for a parameter's slot never stored to, or
// <localN>.
func (b *npeBuilder) localVar(sb *strings.Builder, bci, slot int, param bool) {
	for _, a := range b.code.Attributes {
		t, ok := a.(*classfile.LocalVariableTable)
		if !ok || t.Types {
			continue
		}
		for _, v := range t.Vars {
			if bci >= int(v.StartPC) && bci < int(v.StartPC)+int(v.Length) && int(v.Slot) == slot {
				sb.WriteString(b.c.Pool.Utf8(v.NameIndex))
				return
			}
		}
	}
	static := b.m.Access.Has(classfile.AccStatic)
	if !static && slot == 0 && param {
		sb.WriteString("this")
		return
	}
	cur := 1
	if static {
		cur = 0
	}
	found, n := false, 1
	if md, err := classfile.ParseMethodDescriptor(b.c.MemberDesc(b.m)); err == nil {
		for _, p := range md.Params {
			w := fieldSlots(p)
			if slot >= cur && slot < cur+w {
				found = true
				break
			}
			n++
			cur += w
		}
	}
	if found && param {
		sb.WriteString("<parameter" + strconv.Itoa(n) + ">")
	} else {
		sb.WriteString("<local" + strconv.Itoa(slot) + ">")
	}
}

// klassName is a class name as the messages print it: dotted, with
// java.lang.Object and java.lang.String shortened.
func klassName(internal string) string {
	n := strings.ReplaceAll(internal, "/", ".")
	switch n {
	case "java.lang.Object":
		return "Object"
	case "java.lang.String":
		return "String"
	}
	return n
}

// methodName is Class.name(param types) as the messages print it.
func (b *npeBuilder) methodName(idx int) string {
	owner, name, desc := b.memberRef(idx)
	var ps []string
	if md, err := classfile.ParseMethodDescriptor(desc); err == nil {
		for _, p := range md.Params {
			ps = append(ps, externalType(p))
		}
	}
	return klassName(owner) + "." + name + "(" + trimWellKnown(strings.Join(ps, ", ")) + ")"
}

func externalType(t classfile.FieldType) string {
	var s string
	switch t.Elem {
	case 'L':
		s = strings.ReplaceAll(t.Class, "/", ".")
	default:
		s = map[byte]string{'Z': "boolean", 'B': "byte", 'C': "char", 'S': "short", 'I': "int",
			'J': "long", 'F': "float", 'D': "double"}[t.Elem]
	}
	return s + strings.Repeat("[]", t.Dims)
}

// trimWellKnown drops "java.lang." from a parameter list where
// java.lang.Object or java.lang.String begins the list or follows ", " (a
// prefix match, as HotSpot's: java.lang.StringBuilder loses it too).
func trimWellKnown(sig string) string {
	if len(sig) < len("java.lang.String") {
		return sig
	}
	var sb strings.Builder
	for i := 0; i < len(sig); {
		at := i == 0 || i >= 2 && sig[i-2:i] == ", "
		if at && (strings.HasPrefix(sig[i:], "java.lang.Object") || strings.HasPrefix(sig[i:], "java.lang.String")) {
			i += len("java.lang.")
		}
		sb.WriteByte(sig[i])
		i++
	}
	return sb.String()
}

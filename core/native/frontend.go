// Package native is the DVM's network compiler (paper §3.4): a method's
// bytecode becomes a typed SSA function (package ir) with Java's exact
// semantics, a list of passes rewrites it, and a back end behind the Backend
// interface lowers it to GNU assembler text for one architecture.
package native

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"dvmlab/core/bytecode"
	"dvmlab/core/classfile"
	"dvmlab/core/native/ir"
)

// Unsupported says why a method stays bytecode: the construct, where, why.
type Unsupported struct {
	Class, Method, Desc string
	Offset              int // -1 for the method as a whole
	Reason              string
}

func (e *Unsupported) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("%s.%s%s: %s", e.Class, e.Method, e.Desc, e.Reason)
	}
	return fmt.Sprintf("%s.%s%s at offset %d: %s", e.Class, e.Method, e.Desc, e.Offset, e.Reason)
}

// slot is one local variable or operand stack entry during translation: a
// value, or nil when undefined (and for the second slot of a long/double).
type state struct {
	locals []*ir.Value
	stack  []*ir.Value
}

func (s *state) clone() *state {
	return &state{locals: append([]*ir.Value(nil), s.locals...), stack: append([]*ir.Value(nil), s.stack...)}
}

type builder struct {
	class  *classfile.Class
	m      *classfile.Member
	f      *ir.Func
	insns  []bytecode.Instruction
	byOff  map[int]int // offset -> instruction index
	blocks map[int]*ir.Block
	entry  map[*ir.Block]*state // state at block entry (phis in place)
	exit   map[*ir.Block]*state
	phis   map[*ir.Value]bool // phis whose operands disagree in type: must end unused
	bad    map[*ir.Value]bool
	cur    *ir.Block
	st     *state
	lens   map[*ir.Value]*ir.Value // array -> its length, per block
	unsup  func(off int, format string, a ...any)
}

// Translate builds the SSA function of method m of class c. A method with
// constructs the compiler does not handle returns an *Unsupported error;
// the caller leaves it as bytecode. See JVMS §6.5 for each instruction's
// semantics, §2.11.1 for the computational types.
func Translate(c *classfile.Class, m *classfile.Member) (f *ir.Func, err error) {
	name, desc := c.MemberName(m), c.MemberDesc(m)
	unsup := func(off int, format string, a ...any) error {
		return &Unsupported{Class: c.Name(), Method: name, Desc: desc, Offset: off, Reason: fmt.Sprintf(format, a...)}
	}
	code := m.Code()
	switch {
	case code == nil:
		return nil, unsup(-1, "no code (abstract or native)")
	case m.Access.Has(classfile.AccSynchronized):
		return nil, unsup(-1, "synchronized method (monitors stay in bytecode)")
	case len(code.Handlers) > 0:
		return nil, unsup(-1, "exception handlers")
	case name == "<init>" || name == "<clinit>":
		return nil, unsup(-1, "initializer")
	}
	md, err := classfile.ParseMethodDescriptor(desc)
	if err != nil {
		return nil, unsup(-1, "bad descriptor: %v", err)
	}
	insns, err := bytecode.Decode(code.Code)
	if err != nil {
		return nil, unsup(-1, "undecodable code: %v", err)
	}
	static := m.Access.Has(classfile.AccStatic)
	f = ir.NewFunc(c.Name(), name, desc, static)
	f.Bytecodes = len(code.Code)
	b := &builder{class: c, m: m, f: f, insns: insns, byOff: map[int]int{}, blocks: map[int]*ir.Block{},
		entry: map[*ir.Block]*state{}, exit: map[*ir.Block]*state{}, phis: map[*ir.Value]bool{}, bad: map[*ir.Value]bool{}}
	for i, in := range insns {
		b.byOff[in.Offset] = i
	}
	// Parameters: the receiver first, then the descriptor's, in their slots.
	if !static {
		f.Params = append(f.Params, ir.Object)
	}
	for _, p := range md.Params {
		t, _, _ := refType(p)
		f.Params = append(f.Params, t)
	}
	f.Result, _, _ = refType(md.Return)
	defer func() {
		if r := recover(); r != nil {
			if u, ok := r.(*Unsupported); ok {
				f, err = nil, u
				return
			}
			// A fault of the compiler's own leaves the method as bytecode,
			// named, rather than taking the proxy down.
			f, err = nil, &Unsupported{Class: c.Name(), Method: name, Desc: desc, Offset: -1, Reason: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	b.unsup = func(off int, format string, a ...any) {
		panic(unsup(off, format, a...))
	}
	b.build(md, int(code.MaxLocals))
	b.npeMessages()
	return f, nil
}

func fieldIRType(t classfile.FieldType) ir.Type {
	r, _, _ := refType(t)
	return r
}

// refType is the IR type of a field type: a primitive's computational
// type; Array and the element for a one-dimensional primitive array; Object
// and the descriptor for any other reference.
func refType(t classfile.FieldType) (ir.Type, byte, string) {
	switch {
	case t.Dims == 1 && t.Elem != 'L':
		return ir.Array, t.Elem, ""
	case t.Dims > 0 || t.Elem == 'L':
		return ir.Object, 0, t.String()
	}
	return ir.TypeOfDesc(t.Elem), 0, ""
}

// typed sets v's element or class from a field type.
func typed(v *ir.Value, t classfile.FieldType) *ir.Value {
	_, v.Elem, v.Class = refType(t)
	return v
}

// leaders finds the offsets that start basic blocks.
func (b *builder) leaders() []int {
	set := map[int]bool{0: true}
	for i, in := range b.insns {
		for _, t := range in.BranchTargets() {
			set[t] = true
		}
		if in.EndsBlock() || in.IsBranch() {
			if i+1 < len(b.insns) {
				set[b.insns[i+1].Offset] = true
			}
		}
	}
	out := make([]int, 0, len(set))
	for o := range set {
		if _, ok := b.byOff[o]; !ok {
			b.unsup(o, "branch into the middle of an instruction")
		}
		out = append(out, o)
	}
	sort.Ints(out)
	return out
}

func (b *builder) build(md *classfile.MethodDescriptor, maxLocals int) {
	leaders := b.leaders()
	// Successors by offset, to order blocks in reverse post-order.
	succOf := map[int][]int{}
	endOf := map[int]int{} // leader -> index of its last instruction
	for k, l := range leaders {
		last := len(b.insns) - 1
		if k+1 < len(leaders) {
			last = b.byOff[leaders[k+1]] - 1
		}
		endOf[l] = last
		in := b.insns[last]
		succOf[l] = append(succOf[l], in.BranchTargets()...)
		if !in.EndsBlock() && last+1 < len(b.insns) {
			succOf[l] = append(succOf[l], b.insns[last+1].Offset)
		}
		if in.Op == bytecode.Jsr || in.Op == bytecode.JsrW || in.Op == bytecode.Ret {
			b.unsup(in.Offset, "subroutines (jsr/ret)")
		}
	}
	var order []int
	seen := map[int]bool{}
	var dfs func(int)
	dfs = func(o int) {
		seen[o] = true
		for _, s := range succOf[o] {
			if !seen[s] {
				dfs(s)
			}
		}
		order = append(order, o)
	}
	dfs(0)
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	// The entry block holds the parameters; it gets no predecessors, so a
	// loop back to offset 0 enters a block of its own.
	entry := b.f.NewBlock(0)
	st := &state{locals: make([]*ir.Value, maxLocals)}
	slot := 0
	for i, t := range b.f.Params {
		p := entry.NewValue(ir.OpParam, t, -1)
		p.AuxInt = int64(i)
		if pi := i - len(b.f.Params) + len(md.Params); pi >= 0 {
			typed(p, md.Params[pi])
		} else {
			p.Class = "L" + b.class.Name() + ";" // the receiver
		}
		if slot >= maxLocals {
			b.unsup(-1, "parameters exceed max_locals")
		}
		st.locals[slot] = p
		slot++
		if t == ir.Long || t == ir.Double {
			slot++
		}
	}
	for _, o := range order {
		b.blocks[o] = b.f.NewBlock(o)
	}
	entry.Kind = ir.Plain
	b.exit[entry] = st
	b.link(entry, b.blocks[0], st)
	for _, o := range order {
		blk := b.blocks[o]
		b.cur = blk
		b.st = b.entry[blk].clone()
		b.lens = map[*ir.Value]*ir.Value{}
		b.block(o, endOf[o])
	}
	b.dropBadPhis()
}

// multiNewArray makes multianewarray a static call of the class's
// multianewarray helper (see MultiHelper), which runs the instruction itself
// in bytecode: its dimensions checked, and its exceptions thrown, by the JVM
// (JVMS §6.5.multianewarray).
func (b *builder) multiNewArray(in *bytecode.Instruction) {
	off := in.Offset
	b.helpersAllowed(off, in.Op)
	name := b.class.Pool.ClassName(uint16(in.Index))
	ft, err := classfile.ParseFieldType(name)
	if name == "" || err != nil || in.Const < 1 || in.Const > ft.Dims {
		b.unsup(off, "multianewarray of %q with %d dimensions", name, in.Const)
	}
	args := make([]*ir.Value, in.Const)
	for k := in.Const - 1; k >= 0; k-- {
		args[k] = b.popT(off, ir.Int)
	}
	t, _, _ := refType(ft)
	v := b.val(ir.OpInvoke, t, off, args...)
	v.AuxInt = ir.InvokeStatic
	v.Sym = &ir.Sym{Owner: b.class.Name(), Name: MultiHelper(name, in.Const), Desc: MultiHelperDesc(in.Const)}
	typed(v, ft)
	b.push(v)
}

// helpersAllowed checks that the class can take the static methods through
// which compiled code reaches classes without initialising them (see
// ClassHelper): ldc of a class needs version 49 (JVMS §4.4.1), a static
// method in an interface version 52 (JVMS §4.6).
func (b *builder) helpersAllowed(off int, op bytecode.Opcode) {
	switch {
	case b.class.Major < 49:
		b.unsup(off, "%s in a class file of version %d (its class helper needs ldc of a class, version 49)", op, b.class.Major)
	case b.class.Access.Has(classfile.AccInterface) && b.class.Major < 52:
		b.unsup(off, "%s in an interface of version %d (its class helper needs a static interface method, version 52)", op, b.class.Major)
	}
}

// npeMessages gives every null check the message HotSpot's
// NullPointerException would carry at its offset.
func (b *builder) npeMessages() {
	var offs []int
	for _, blk := range b.f.Blocks {
		for _, v := range blk.Values {
			if v.Op == ir.OpNullCheck && v.Pos >= 0 {
				offs = append(offs, v.Pos)
			}
		}
	}
	msgs := NPEMessages(b.class, b.m, b.insns, offs)
	for _, blk := range b.f.Blocks {
		for _, v := range blk.Values {
			if v.Op == ir.OpNullCheck {
				v.Msg = msgs[v.Pos]
			}
		}
	}
}

// dropBadPhis removes the phis that merge values of different types (the
// verifier's top, JVMS §4.10.1.2), and the phis fed by them. Verified code
// never uses such a value; if something does, the method stays bytecode.
func (b *builder) dropBadPhis() {
	for changed := true; changed; {
		changed = false
		for p := range b.phis {
			if b.bad[p] {
				continue
			}
			for _, a := range p.Args {
				if b.bad[a] {
					b.bad[p] = true
					changed = true
					break
				}
			}
		}
	}
	for _, blk := range b.f.Blocks {
		keep := blk.Values[:0]
		for _, v := range blk.Values {
			if b.bad[v] {
				continue
			}
			for _, a := range v.Args {
				if b.bad[a] {
					b.unsup(v.Pos, "uses a local or stack entry of conflicting types")
				}
			}
			keep = append(keep, v)
		}
		blk.Values = keep
		for _, c := range blk.Controls {
			if b.bad[c] {
				b.unsup(blk.Pos, "branches on a value of conflicting types")
			}
		}
	}
}

// link records the edge from -> to with the state at from's exit. The first
// edge into a block makes its phis; later ones fill them in.
func (b *builder) link(from, to *ir.Block, st *state) {
	ir.AddEdge(from, to)
	in, ok := b.entry[to]
	if !ok {
		in = &state{locals: make([]*ir.Value, len(st.locals)), stack: make([]*ir.Value, len(st.stack))}
		mk := func(v *ir.Value) *ir.Value {
			if v == nil {
				return nil
			}
			p := to.NewPhi(v.Type, to.Pos)
			p.Elem, p.Class = v.Elem, v.Class
			p.Args = append(p.Args, v)
			b.phis[p] = true
			return p
		}
		for i, v := range st.locals {
			in.locals[i] = mk(v)
		}
		for i, v := range st.stack {
			in.stack[i] = mk(v)
		}
		b.entry[to] = in
		return
	}
	if len(in.stack) != len(st.stack) {
		b.unsup(to.Pos, "stack heights differ at a merge")
	}
	fill := func(p, v *ir.Value) *ir.Value {
		if p == nil {
			return nil
		}
		if v != nil && v.Type != p.Type && p.Type.IsRef() && v.Type.IsRef() {
			// null (an Array constant of no element) meets an object
			switch {
			case p.Type == ir.Array && p.Elem == 0:
				p.Type, p.Class = ir.Object, v.Class
			case isNull(v):
				p.Args = append(p.Args, v) // null is every reference type
				return p
			}
		}
		if v == nil || v.Type != p.Type {
			b.bad[p] = true
			if v == nil {
				v = p // keeps the arity; the phi is dead anyway
			}
		} else if p.Type == ir.Object && p.Class != v.Class && !isNull(v) {
			p.Class = "" // two classes: a use needing one stays bytecode
		} else if p.Elem != v.Elem {
			if p.Elem == 0 {
				p.Elem = v.Elem
			} else if v.Elem != 0 {
				p.Elem = '?' // two element types: no array op may use it
			}
		}
		p.Args = append(p.Args, v)
		return p
	}
	for i := range in.locals {
		fill(in.locals[i], st.locals[i])
	}
	for i := range in.stack {
		fill(in.stack[i], st.stack[i])
	}
}

func (b *builder) push(v *ir.Value) { b.st.stack = append(b.st.stack, v) }

func (b *builder) pop(off int) *ir.Value {
	n := len(b.st.stack)
	if n == 0 {
		b.unsup(off, "operand stack underflow")
	}
	v := b.st.stack[n-1]
	b.st.stack = b.st.stack[:n-1]
	if v != nil && b.bad[v] {
		b.unsup(off, "value of conflicting types used")
	}
	return v
}

func (b *builder) popT(off int, t ir.Type) *ir.Value {
	v := b.pop(off)
	if v.Type != t && !(t.IsRef() && v.Type.IsRef()) {
		b.unsup(off, "expected %s on the stack, found %s", t, v.Type)
	}
	return v
}

func (b *builder) val(op ir.Op, t ir.Type, off int, args ...*ir.Value) *ir.Value {
	return b.cur.NewValue(op, t, off, args...)
}

func (b *builder) constant(t ir.Type, bits int64, off int) *ir.Value {
	v := b.val(ir.OpConst, t, off)
	v.AuxInt = bits
	return v
}

func (b *builder) load(off, slot int, t ir.Type) *ir.Value {
	if slot >= len(b.st.locals) {
		b.unsup(off, "local %d beyond max_locals", slot)
	}
	v := b.st.locals[slot]
	if v == nil || v.Type != t || b.bad[v] {
		b.unsup(off, "local %d does not hold a %s", slot, t)
	}
	return v
}

func (b *builder) store(off, slot int, v *ir.Value) {
	w := 1
	if v.Type == ir.Long || v.Type == ir.Double {
		w = 2
	}
	if slot+w > len(b.st.locals) {
		b.unsup(off, "local %d beyond max_locals", slot)
	}
	// A store breaks a long or double that began one slot before.
	if slot > 0 {
		if p := b.st.locals[slot-1]; p != nil && (p.Type == ir.Long || p.Type == ir.Double) {
			b.st.locals[slot-1] = nil
		}
	}
	b.st.locals[slot] = v
	if w == 2 {
		b.st.locals[slot+1] = nil
	}
}

func isNull(v *ir.Value) bool { return v.Op == ir.OpConst && v.Type.IsRef() }

// arrayOf checks an array reference for null and returns it with its length.
func (b *builder) checkedArray(off int, a *ir.Value) (*ir.Value, *ir.Value) {
	if a.Type != ir.Array && !(a.Type == ir.Object && strings.HasPrefix(a.Class, "[")) && !isNull(a) {
		b.unsup(off, "array instruction on a %s", a.Type)
	}
	if l, ok := b.lens[a]; ok {
		return a, l
	}
	b.val(ir.OpNullCheck, ir.Void, off, a)
	l := b.val(ir.OpArrayLen, ir.Int, off, a)
	b.lens[a] = l
	return a, l
}

var loadElem = map[bytecode.Opcode]byte{bytecode.Iaload: 'I', bytecode.Laload: 'J', bytecode.Faload: 'F', bytecode.Daload: 'D',
	bytecode.Baload: 'B', bytecode.Caload: 'C', bytecode.Saload: 'S'}
var storeElem = map[bytecode.Opcode]byte{bytecode.Iastore: 'I', bytecode.Lastore: 'J', bytecode.Fastore: 'F', bytecode.Dastore: 'D',
	bytecode.Bastore: 'B', bytecode.Castore: 'C', bytecode.Sastore: 'S'}

// elemOf picks the element type an array instruction works on: the
// array's own when known (baload serves byte[] and boolean[]), else the
// instruction's.
func (b *builder) elemOf(off int, a *ir.Value, op byte) byte {
	e := a.Elem
	if e == '?' {
		b.unsup(off, "array of two element types merged")
	}
	if e == 0 {
		return op
	}
	if e == 'Z' && op == 'B' {
		return 'Z'
	}
	if e != op {
		b.unsup(off, "%c array accessed as %c", e, op)
	}
	return e
}

var arith = map[bytecode.Opcode]struct {
	op ir.Op
	t  ir.Type
}{
	bytecode.Iadd: {ir.OpAdd, ir.Int}, bytecode.Ladd: {ir.OpAdd, ir.Long}, bytecode.Fadd: {ir.OpAdd, ir.Float}, bytecode.Dadd: {ir.OpAdd, ir.Double},
	bytecode.Isub: {ir.OpSub, ir.Int}, bytecode.Lsub: {ir.OpSub, ir.Long}, bytecode.Fsub: {ir.OpSub, ir.Float}, bytecode.Dsub: {ir.OpSub, ir.Double},
	bytecode.Imul: {ir.OpMul, ir.Int}, bytecode.Lmul: {ir.OpMul, ir.Long}, bytecode.Fmul: {ir.OpMul, ir.Float}, bytecode.Dmul: {ir.OpMul, ir.Double},
	bytecode.Idiv: {ir.OpDiv, ir.Int}, bytecode.Ldiv: {ir.OpDiv, ir.Long}, bytecode.Fdiv: {ir.OpDiv, ir.Float}, bytecode.Ddiv: {ir.OpDiv, ir.Double},
	bytecode.Irem: {ir.OpRem, ir.Int}, bytecode.Lrem: {ir.OpRem, ir.Long}, bytecode.Frem: {ir.OpRem, ir.Float}, bytecode.Drem: {ir.OpRem, ir.Double},
	bytecode.Iand: {ir.OpAnd, ir.Int}, bytecode.Land: {ir.OpAnd, ir.Long}, bytecode.Ior: {ir.OpOr, ir.Int}, bytecode.Lor: {ir.OpOr, ir.Long},
	bytecode.Ixor: {ir.OpXor, ir.Int}, bytecode.Lxor: {ir.OpXor, ir.Long},
}

var shifts = map[bytecode.Opcode]struct {
	op ir.Op
	t  ir.Type
}{
	bytecode.Ishl: {ir.OpShl, ir.Int}, bytecode.Lshl: {ir.OpShl, ir.Long}, bytecode.Ishr: {ir.OpShr, ir.Int},
	bytecode.Lshr: {ir.OpShr, ir.Long}, bytecode.Iushr: {ir.OpUshr, ir.Int}, bytecode.Lushr: {ir.OpUshr, ir.Long},
}

var convs = map[bytecode.Opcode]struct {
	from, to ir.Type
	aux      byte
}{
	bytecode.I2l: {ir.Int, ir.Long, 'I'}, bytecode.I2f: {ir.Int, ir.Float, 'I'}, bytecode.I2d: {ir.Int, ir.Double, 'I'},
	bytecode.L2i: {ir.Long, ir.Int, 'J'}, bytecode.L2f: {ir.Long, ir.Float, 'J'}, bytecode.L2d: {ir.Long, ir.Double, 'J'},
	bytecode.F2i: {ir.Float, ir.Int, 'F'}, bytecode.F2l: {ir.Float, ir.Long, 'F'}, bytecode.F2d: {ir.Float, ir.Double, 'F'},
	bytecode.D2i: {ir.Double, ir.Int, 'D'}, bytecode.D2l: {ir.Double, ir.Long, 'D'}, bytecode.D2f: {ir.Double, ir.Float, 'D'},
	bytecode.I2b: {ir.Int, ir.Int, 'B'}, bytecode.I2c: {ir.Int, ir.Int, 'C'}, bytecode.I2s: {ir.Int, ir.Int, 'S'},
}

var newarrayElem = map[int]byte{4: 'Z', 5: 'C', 6: 'F', 7: 'D', 8: 'B', 9: 'S', 10: 'I', 11: 'J'}

func cat2(v *ir.Value) bool { return v.Type == ir.Long || v.Type == ir.Double }

// block translates the instructions of one basic block, from the leader
// at offset o to instruction index last.
func (b *builder) block(o, last int) {
	B := bytecode.Opcode(0)
	_ = B
	for i := b.byOff[o]; i <= last; i++ {
		in := &b.insns[i]
		off := in.Offset
		op := in.Op
		switch {
		case op == bytecode.Nop:
		case op == bytecode.AconstNull:
			b.push(b.constant(ir.Array, 0, off))
		case op >= bytecode.IconstM1 && op <= bytecode.Iconst5:
			b.push(b.constant(ir.Int, int64(int(op)-int(bytecode.Iconst0)), off))
		case op == bytecode.Lconst0 || op == bytecode.Lconst1:
			b.push(b.constant(ir.Long, int64(op-bytecode.Lconst0), off))
		case op >= bytecode.Fconst0 && op <= bytecode.Fconst2:
			b.push(b.constant(ir.Float, int64(math.Float32bits(float32(op-bytecode.Fconst0))), off))
		case op == bytecode.Dconst0 || op == bytecode.Dconst1:
			b.push(b.constant(ir.Double, int64(math.Float64bits(float64(op-bytecode.Dconst0))), off))
		case op == bytecode.Bipush || op == bytecode.Sipush:
			b.push(b.constant(ir.Int, int64(in.Const), off))
		case op == bytecode.Ldc || op == bytecode.LdcW || op == bytecode.Ldc2W:
			k := b.class.Pool.Get(uint16(in.Index))
			if k == nil {
				b.unsup(off, "bad constant index %d", in.Index)
			}
			switch k.Tag {
			case classfile.TagInteger:
				b.push(b.constant(ir.Int, int64(k.Int()), off))
			case classfile.TagFloat:
				b.push(b.constant(ir.Float, int64(k.Bits32()), off))
			case classfile.TagLong:
				b.push(b.constant(ir.Long, k.Long(), off))
			case classfile.TagDouble:
				b.push(b.constant(ir.Double, int64(k.U64), off))
			case classfile.TagString:
				v := b.val(ir.OpString, ir.Object, off)
				v.Sym, v.Class = &ir.Sym{Owner: "java/lang/String", Name: b.class.Pool.Utf8(k.A)}, "Ljava/lang/String;"
				b.push(v)
			case classfile.TagClass:
				b.helpersAllowed(off, op)
				v := b.val(ir.OpString, ir.Object, off)
				v.Sym, v.Class = &ir.Sym{Owner: "java/lang/Class", Name: b.class.Pool.ClassName(uint16(in.Index))}, "Ljava/lang/Class;"
				b.push(v)
			default:
				b.unsup(off, "ldc of a %s constant", k.Tag)
			}
		case op == bytecode.Iload || (op >= bytecode.Iload0 && op <= bytecode.Iload3):
			b.push(b.load(off, in.Index, ir.Int))
		case op == bytecode.Lload || (op >= bytecode.Lload0 && op <= bytecode.Lload3):
			b.push(b.load(off, in.Index, ir.Long))
		case op == bytecode.Fload || (op >= bytecode.Fload0 && op <= bytecode.Fload3):
			b.push(b.load(off, in.Index, ir.Float))
		case op == bytecode.Dload || (op >= bytecode.Dload0 && op <= bytecode.Dload3):
			b.push(b.load(off, in.Index, ir.Double))
		case op == bytecode.Aload || (op >= bytecode.Aload0 && op <= bytecode.Aload3):
			v := b.st.locals[in.Index]
			if in.Index >= len(b.st.locals) || v == nil || !v.Type.IsRef() || b.bad[v] {
				b.unsup(off, "local %d does not hold a reference the compiler handles", in.Index)
			}
			b.push(v)
		case op == bytecode.Istore || (op >= bytecode.Istore0 && op <= bytecode.Istore3):
			b.store(off, in.Index, b.popT(off, ir.Int))
		case op == bytecode.Lstore || (op >= bytecode.Lstore0 && op <= bytecode.Lstore3):
			b.store(off, in.Index, b.popT(off, ir.Long))
		case op == bytecode.Fstore || (op >= bytecode.Fstore0 && op <= bytecode.Fstore3):
			b.store(off, in.Index, b.popT(off, ir.Float))
		case op == bytecode.Dstore || (op >= bytecode.Dstore0 && op <= bytecode.Dstore3):
			b.store(off, in.Index, b.popT(off, ir.Double))
		case op == bytecode.Astore || (op >= bytecode.Astore0 && op <= bytecode.Astore3):
			v := b.pop(off)
			if !v.Type.IsRef() {
				b.unsup(off, "astore of a %s", v.Type)
			}
			b.store(off, in.Index, v)
		case loadElem[op] != 0:
			idx := b.popT(off, ir.Int)
			arr, l := b.checkedArray(off, b.pop(off))
			e := b.elemOf(off, arr, loadElem[op])
			b.val(ir.OpBoundsCheck, ir.Void, off, idx, l)
			v := b.val(ir.OpArrayLoad, ir.TypeOfDesc(e), off, arr, idx)
			v.AuxInt = int64(e)
			b.push(v)
		case storeElem[op] != 0:
			x := b.pop(off)
			idx := b.popT(off, ir.Int)
			arr, l := b.checkedArray(off, b.pop(off))
			e := b.elemOf(off, arr, storeElem[op])
			if x.Type != ir.TypeOfDesc(e) {
				b.unsup(off, "storing a %s into a %c array", x.Type, e)
			}
			b.val(ir.OpBoundsCheck, ir.Void, off, idx, l)
			v := b.val(ir.OpArrayStore, ir.Void, off, arr, idx, x)
			v.AuxInt = int64(e)
		case op == bytecode.Arraylength:
			_, l := b.checkedArray(off, b.pop(off))
			b.push(l)
		case op == bytecode.Newarray:
			n := b.popT(off, ir.Int)
			e := newarrayElem[in.Index]
			if e == 0 {
				b.unsup(off, "bad newarray type %d", in.Index)
			}
			b.val(ir.OpNegSizeCheck, ir.Void, off, n)
			v := b.val(ir.OpNewArray, ir.Array, off, n)
			v.AuxInt, v.Elem = int64(e), e
			b.push(v)
		case op == bytecode.Pop:
			if v := b.pop(off); cat2(v) {
				b.unsup(off, "pop of a long or double")
			}
		case op == bytecode.Pop2:
			if v := b.pop(off); !cat2(v) {
				if w := b.pop(off); cat2(w) {
					b.unsup(off, "pop2 splitting a long or double")
				}
			}
		case op >= bytecode.Dup && op <= bytecode.Swap:
			b.stackOp(off, op)
		case arith[op].op != 0:
			a := arith[op]
			y := b.popT(off, a.t)
			x := b.popT(off, a.t)
			if (a.op == ir.OpDiv || a.op == ir.OpRem) && (a.t == ir.Int || a.t == ir.Long) {
				b.val(ir.OpDivZeroCheck, ir.Void, off, y)
			}
			b.push(b.val(a.op, a.t, off, x, y))
		case shifts[op].op != 0:
			s := shifts[op]
			n := b.popT(off, ir.Int)
			x := b.popT(off, s.t)
			b.push(b.val(s.op, s.t, off, x, n))
		case op >= bytecode.Ineg && op <= bytecode.Dneg:
			t := [...]ir.Type{ir.Int, ir.Long, ir.Float, ir.Double}[op-bytecode.Ineg]
			b.push(b.val(ir.OpNeg, t, off, b.popT(off, t)))
		case op == bytecode.Iinc:
			x := b.load(off, in.Index, ir.Int)
			b.store(off, in.Index, b.val(ir.OpAdd, ir.Int, off, x, b.constant(ir.Int, int64(in.Const), off)))
		case convs[op].to != ir.Void:
			c := convs[op]
			v := b.val(ir.OpConv, c.to, off, b.popT(off, c.from))
			v.AuxInt = int64(c.aux)
			b.push(v)
		case op == bytecode.Lcmp:
			y := b.popT(off, ir.Long)
			x := b.popT(off, ir.Long)
			b.push(b.val(ir.OpLcmp, ir.Int, off, x, y))
		case op >= bytecode.Fcmpl && op <= bytecode.Dcmpg:
			t := ir.Float
			if op >= bytecode.Dcmpl {
				t = ir.Double
			}
			y := b.popT(off, t)
			x := b.popT(off, t)
			cop := ir.OpCmpl
			if op == bytecode.Fcmpg || op == bytecode.Dcmpg {
				cop = ir.OpCmpg
			}
			b.push(b.val(cop, ir.Int, off, x, y))
		case op >= bytecode.Ifeq && op <= bytecode.Ifle:
			x := b.popT(off, ir.Int)
			b.branch(in, i, last, ir.Cond(op-bytecode.Ifeq), x, b.constant(ir.Int, 0, off))
			return
		case op >= bytecode.IfIcmpeq && op <= bytecode.IfIcmple:
			y := b.popT(off, ir.Int)
			x := b.popT(off, ir.Int)
			b.branch(in, i, last, ir.Cond(op-bytecode.IfIcmpeq), x, y)
			return
		case op == bytecode.IfAcmpeq || op == bytecode.IfAcmpne:
			y, x := b.pop(off), b.pop(off)
			if !x.Type.IsRef() || !y.Type.IsRef() {
				b.unsup(off, "if_acmp on non-references")
			}
			b.branch(in, i, last, ir.Cond(op-bytecode.IfAcmpeq), x, y)
			return
		case op == bytecode.Ifnull || op == bytecode.Ifnonnull:
			x := b.pop(off)
			if !x.Type.IsRef() {
				b.unsup(off, "ifnull on a %s", x.Type)
			}
			b.branch(in, i, last, ir.Cond(op-bytecode.Ifnull), x, b.constant(x.Type, 0, off))
			return
		case op == bytecode.Goto || op == bytecode.GotoW:
			b.cur.Kind = ir.Plain
			b.exit[b.cur] = b.st
			b.link(b.cur, b.blocks[in.Target], b.st)
			return
		case op == bytecode.Tableswitch || op == bytecode.Lookupswitch:
			b.switchOp(in)
			return
		case op >= bytecode.Ireturn && op <= bytecode.Return:
			b.cur.Kind = ir.Return
			if op != bytecode.Return {
				v := b.pop(off)
				if v.Type != b.f.Result && !(v.Type.IsRef() && b.f.Result.IsRef()) {
					b.unsup(off, "returning a %s from a %s method", v.Type, b.f.Result)
				}
				b.cur.Controls = []*ir.Value{v}
			} else if b.f.Result != ir.Void {
				b.unsup(off, "return without a value")
			}
			return
		case op >= bytecode.Getstatic && op <= bytecode.Putfield:
			b.fieldOp(in)
		case op >= bytecode.Invokevirtual && op <= bytecode.Invokeinterface:
			b.call(in)
		case op == bytecode.Aaload:
			idx := b.popT(off, ir.Int)
			arr, l := b.checkedArray(off, b.pop(off))
			et, err := classfile.ParseFieldType(strings.TrimPrefix(arr.Class, "["))
			if arr.Type != ir.Object || err != nil || et.Dims == 0 && et.Elem != 'L' {
				b.unsup(off, "aaload from an array of unknown type")
			}
			b.val(ir.OpBoundsCheck, ir.Void, off, idx, l)
			t, _, _ := refType(et)
			b.push(typed(b.val(ir.OpObjArrayLoad, t, off, arr, idx), et))
		case op == bytecode.Aastore:
			x := b.pop(off)
			idx := b.popT(off, ir.Int)
			arr, l := b.checkedArray(off, b.pop(off))
			if !x.Type.IsRef() {
				b.unsup(off, "aastore of a %s", x.Type)
			}
			b.val(ir.OpBoundsCheck, ir.Void, off, idx, l)
			b.val(ir.OpObjArrayStore, ir.Void, off, arr, idx, x)
		case op == bytecode.Anewarray:
			b.helpersAllowed(off, op)
			n := b.popT(off, ir.Int)
			name := b.class.Pool.ClassName(uint16(in.Index))
			if name == "" {
				b.unsup(off, "bad class index %d", in.Index)
			}
			b.val(ir.OpNegSizeCheck, ir.Void, off, n)
			v := b.val(ir.OpNewObjArray, ir.Object, off, n)
			v.Sym = &ir.Sym{Owner: name}
			if strings.HasPrefix(name, "[") {
				v.Class = "[" + name
			} else {
				v.Class = "[L" + name + ";"
			}
			b.push(v)
		case op == bytecode.Multianewarray:
			b.multiNewArray(in)
		case op == bytecode.New:
			name := b.class.Pool.ClassName(uint16(in.Index))
			if name == "" {
				b.unsup(off, "bad class index %d", in.Index)
			}
			v := b.val(ir.OpNew, ir.Object, off)
			v.Sym, v.Class = &ir.Sym{Owner: name}, "L"+name+";"
			b.push(v)
		case op == bytecode.Checkcast || op == bytecode.Instanceof:
			b.helpersAllowed(off, op)
			x := b.pop(off)
			name := b.class.Pool.ClassName(uint16(in.Index))
			if !x.Type.IsRef() || name == "" {
				b.unsup(off, "%s of a %s", op, x.Type)
			}
			if op == bytecode.Instanceof {
				v := b.val(ir.OpInstanceOf, ir.Int, off, x)
				v.Sym = &ir.Sym{Owner: name}
				b.push(v)
				break
			}
			desc := name
			if !strings.HasPrefix(name, "[") {
				desc = "L" + name + ";"
			}
			ft, err := classfile.ParseFieldType(desc)
			if err != nil {
				b.unsup(off, "checkcast to a bad class name %q", name)
			}
			t, _, _ := refType(ft)
			c := typed(b.val(ir.OpCheckCast, t, off, x), ft) // the same reference, of the class now
			c.Sym = &ir.Sym{Owner: name}
			b.push(c)
		case op == bytecode.Athrow:
			x := b.pop(off)
			if !x.Type.IsRef() {
				b.unsup(off, "athrow of a %s", x.Type)
			}
			b.val(ir.OpNullCheck, ir.Void, off, x) // athrow of null throws NullPointerException (JVMS §6.5.athrow)
			b.cur.Kind = ir.Throw
			b.cur.Controls = []*ir.Value{x}
			return
		default:
			b.unsup(off, "%s is not compiled", op)
		}
	}
	// Falls through to the next block.
	if last+1 >= len(b.insns) {
		b.unsup(b.insns[last].Offset, "code falls off its end")
	}
	b.cur.Kind = ir.Plain
	b.exit[b.cur] = b.st
	b.link(b.cur, b.blocks[b.insns[last+1].Offset], b.st)
}

func (b *builder) branch(in *bytecode.Instruction, i, last int, c ir.Cond, x, y *ir.Value) {
	if i != last || i+1 >= len(b.insns) {
		b.unsup(in.Offset, "branch falls off the code")
	}
	blk := b.cur
	blk.Kind = ir.If
	blk.Cond = c
	blk.Controls = []*ir.Value{x, y}
	b.exit[blk] = b.st
	b.link(blk, b.blocks[in.Target], b.st)
	b.link(blk, b.blocks[b.insns[i+1].Offset], b.st)
}

// switchOp lowers tableswitch and lookupswitch to a chain of equality tests,
// each in a block of its own (JVMS §6.5.tableswitch).
func (b *builder) switchOp(in *bytecode.Instruction) {
	x := b.popT(in.Offset, ir.Int)
	sw := in.Switch
	keys := sw.Keys
	if in.Op == bytecode.Tableswitch {
		keys = nil
		for k := int64(sw.Low); k <= int64(sw.High); k++ {
			keys = append(keys, int32(k))
		}
	}
	for k, key := range keys {
		blk := b.cur
		blk.Kind = ir.If
		blk.Cond = ir.Eq
		blk.Controls = []*ir.Value{x, b.constant(ir.Int, int64(key), in.Offset)}
		b.exit[blk] = b.st
		b.link(blk, b.blocks[sw.Targets[k]], b.st)
		next := b.f.NewBlock(in.Offset)
		b.entry[next] = b.st
		ir.AddEdge(blk, next)
		b.cur = next
	}
	b.cur.Kind = ir.Plain
	b.exit[b.cur] = b.st
	b.link(b.cur, b.blocks[sw.Default], b.st)
}

// stackOp does dup…swap by the values' categories (JVMS §6.5.dup2 forms).
func (b *builder) stackOp(off int, op bytecode.Opcode) {
	need := func(n int) []*ir.Value {
		// pop values until n slots are covered
		var vs []*ir.Value
		slots := 0
		for slots < n {
			v := b.pop(off)
			vs = append([]*ir.Value{v}, vs...)
			slots++
			if cat2(v) {
				slots++
			}
		}
		if slots != n {
			b.unsup(off, "%s splits a long or double", op)
		}
		return vs
	}
	pushAll := func(vs ...[]*ir.Value) {
		for _, g := range vs {
			for _, v := range g {
				b.push(v)
			}
		}
	}
	switch op {
	case bytecode.Dup:
		a := need(1)
		pushAll(a, a)
	case bytecode.DupX1:
		a := need(1)
		c := need(1)
		pushAll(a, c, a)
	case bytecode.DupX2:
		a := need(1)
		c := need(2)
		pushAll(a, c, a)
	case bytecode.Dup2:
		a := need(2)
		pushAll(a, a)
	case bytecode.Dup2X1:
		a := need(2)
		c := need(1)
		pushAll(a, c, a)
	case bytecode.Dup2X2:
		a := need(2)
		c := need(2)
		pushAll(a, c, a)
	case bytecode.Swap:
		a := need(1)
		c := need(1)
		pushAll(a, c)
	}
}

func (b *builder) fieldOp(in *bytecode.Instruction) {
	off := in.Offset
	owner, name, desc := b.class.Pool.MemberRef(uint16(in.Index))
	if owner == "" {
		b.unsup(off, "bad field reference %d", in.Index)
	}
	ft, err := classfile.ParseFieldType(desc)
	if err != nil {
		b.unsup(off, "bad field descriptor %q", desc)
	}
	t := fieldIRType(ft)
	sym := &ir.Sym{Owner: owner, Name: name, Desc: desc}
	if owner == b.class.Name() {
		for _, fm := range b.class.Fields {
			if b.class.MemberName(fm) == name && b.class.MemberDesc(fm) == desc {
				sym.Final, sym.Volatile = fm.Access.Has(classfile.AccFinal), fm.Access.Has(classfile.AccVolatile)
			}
		}
	}
	var v *ir.Value
	switch in.Op {
	case bytecode.Getstatic:
		v = b.val(ir.OpGetStatic, t, off)
		b.push(v)
	case bytecode.Putstatic:
		x := b.popT(off, t)
		v = b.val(ir.OpPutStatic, ir.Void, off, x)
	case bytecode.Getfield:
		o := b.pop(off)
		if o.Type != ir.Object {
			b.unsup(off, "getfield on a %s", o.Type)
		}
		b.val(ir.OpNullCheck, ir.Void, off, o)
		v = b.val(ir.OpGetField, t, off, o)
		b.push(v)
	case bytecode.Putfield:
		x := b.popT(off, t)
		o := b.pop(off)
		if o.Type != ir.Object {
			b.unsup(off, "putfield on a %s", o.Type)
		}
		b.val(ir.OpNullCheck, ir.Void, off, o)
		v = b.val(ir.OpPutField, ir.Void, off, o, x)
	}
	v.Sym = sym
	if v.Type != ir.Void {
		typed(v, ft)
	}
}

// call translates the four invoke instructions: a static method of this
// class becomes an OpCall (compiled code calls compiled code directly),
// anything else an OpInvoke the back end makes through JNI.
func (b *builder) call(in *bytecode.Instruction) {
	off := in.Offset
	owner, name, desc := b.class.Pool.MemberRef(uint16(in.Index))
	if owner == "" {
		b.unsup(off, "bad method reference %d", in.Index)
	}
	md, err := classfile.ParseMethodDescriptor(desc)
	if err != nil {
		b.unsup(off, "bad method descriptor %q", desc)
	}
	n := len(md.Params)
	static := in.Op == bytecode.Invokestatic
	if !static {
		n++
	}
	args := make([]*ir.Value, n)
	for k := len(md.Params) - 1; k >= 0; k-- {
		t := fieldIRType(md.Params[k])
		v := b.pop(off)
		if v.Type != t && !(t.IsRef() && v.Type.IsRef()) {
			b.unsup(off, "argument %d of %s is a %s, not a %s", k, name, v.Type, t)
		}
		args[n-len(md.Params)+k] = v
	}
	if !static {
		r := b.pop(off)
		if !r.Type.IsRef() {
			b.unsup(off, "calling %s on a %s", name, r.Type)
		}
		args[0] = r
		if name != "<init>" {
			b.val(ir.OpNullCheck, ir.Void, off, r)
		}
	}
	t, _, _ := refType(md.Return)
	var v *ir.Value
	if static && owner == b.class.Name() {
		if m := b.class.Method(name, desc); m != nil && m.Access.Has(classfile.AccStatic) && !m.Access.Has(classfile.AccNative) && m.Code() != nil {
			v = b.val(ir.OpCall, t, off, args...)
		}
	}
	if v == nil {
		v = b.val(ir.OpInvoke, t, off, args...)
		v.AuxInt = map[bytecode.Opcode]int64{bytecode.Invokestatic: ir.InvokeStatic, bytecode.Invokevirtual: ir.InvokeVirtual,
			bytecode.Invokespecial: ir.InvokeSpecial, bytecode.Invokeinterface: ir.InvokeInterface}[in.Op]
	}
	v.Sym = &ir.Sym{Owner: owner, Name: name, Desc: desc}
	typed(v, md.Return)
	if t != ir.Void {
		b.push(v)
	}
}

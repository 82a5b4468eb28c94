package bytecode

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Instruction is one decoded instruction. Offsets and targets are absolute
// positions in the code array.
type Instruction struct {
	Offset int
	Op     Opcode // for a wide-prefixed instruction, the modified opcode, with Wide set
	Wide   bool
	// Zero holds the trailing bytes of invokeinterface (one) and
	// invokedynamic (two). JVMS §4.9.1 requires them to be zero and the
	// verifier rejects anything else, but a workbench must be able to show
	// and reproduce bad code, so they are kept for byte-identical re-encoding.
	// (Declared here, beside Op and Wide, where it fits in their word.)
	Zero uint16
	// Index is the constant-pool index (ldc…, field and method instructions,
	// new, anewarray, checkcast, instanceof, multianewarray), the local slot
	// (loads, stores, ret, iinc; also the implied slot of iload_2 and the
	// like, so all forms read alike), the atype of newarray, or the pushed
	// value of iconst_m1…iconst_5.
	Index int
	// Const is the value of bipush and sipush, the increment of iinc, the
	// dimensions of multianewarray and the count of invokeinterface.
	Const int
	// Target is the destination of a branch.
	Target int
	// Switch holds the operands of tableswitch and lookupswitch; it is a
	// pointer so that the common instruction stays small.
	Switch *Switch
	Len    int // encoded length in bytes, including prefix and padding
}

// Switch is the operand table of a tableswitch or lookupswitch. Targets
// holds High-Low+1 entries for tableswitch and one per key for lookupswitch.
type Switch struct {
	Default   int
	Low, High int32
	Keys      []int32
	Targets   []int
	// Pad is the padding as read, kept only when nonzero: HotSpot checks it
	// only in class files older than version 51, so newer code may carry
	// any bytes there, and re-encoding must reproduce them.
	Pad []byte
}

// DecodeError says where and why decoding (or encoding) an instruction
// failed.
type DecodeError struct {
	Offset int
	Op     Opcode // zero (nop, which cannot fail) when there is no opcode to name
	Msg    string
}

func (e *DecodeError) Error() string {
	if e.Op == Nop {
		return fmt.Sprintf("code offset %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("code offset %d: %s: %s", e.Offset, e.Op, e.Msg)
}

// Decode decodes a whole code array. See JVMS §4.7.3 and §6.5.
func Decode(code []byte) ([]Instruction, error) {
	return decodeInto(nil, code)
}

// decodeInto decodes into buf's storage, growing it only when needed, so
// callers that decode many methods reuse one slice.
func decodeInto(buf []Instruction, code []byte) ([]Instruction, error) {
	out := buf[:0]
	// Counting first costs a table lookup per instruction and saves the
	// regrowth copies, which dominated decoding time. A buffer with a slot
	// per code byte cannot need to grow, so recycled buffers skip it.
	if cap(out) < len(code) {
		if n := countInstructions(code); cap(out) < n {
			out = make([]Instruction, 0, n)
		}
	}
	for off := 0; off < len(code); {
		// One-byte instructions, most of any code, are decoded here.
		if op := Opcode(code[off]); opTraits[op]&opOneByte != 0 {
			out = append(out, Instruction{Offset: off, Op: op, Index: int(oneByteIndex[op]), Len: 1})
			off++
			continue
		}
		out = append(out, Instruction{})
		in := &out[len(out)-1]
		if err := decodeAt(code, off, in); err != nil {
			return nil, err
		}
		off += in.Len
	}
	return out, nil
}

// oneByteIndex is the Index decodeAt gives an instruction without
// operands: its implied local, or the value of iconst_<i>.
var oneByteIndex = func() (t [256]int8) {
	for o := range t {
		op := Opcode(o)
		if l := implicitLocal(op); l >= 0 {
			t[o] = int8(l)
		} else if op >= IconstM1 && op <= Iconst5 {
			t[o] = int8(int(op) - int(Iconst0))
		}
	}
	return t
}()

// countInstructions counts the instructions of code, exactly when it all
// decodes; where it would not, it stops, since Decode stops there too.
func countInstructions(code []byte) int {
	n := 0
	for off := 0; off < len(code); n++ {
		l := lengthAt(code, off)
		if l == 0 {
			return n + 1
		}
		off += l
	}
	return n
}

// lengthAt is the encoded length of the instruction at off, or 0 when its
// length cannot be known because its operands are cut off. Opcodes that do
// not exist count as one byte; decodeAt rejects them.
func lengthAt(code []byte, off int) int {
	op := Opcode(code[off])
	switch f := opFormats[op]; f {
	case fmtWide:
		if off+1 < len(code) && Opcode(code[off+1]) == Iinc {
			return 6
		}
		return 4
	case fmtTableswitch, fmtLookupswitch:
		base := off + 1 + pad(off)
		var n int64
		if op == Tableswitch {
			if len(code)-base < 12 {
				return 0
			}
			n = 12 + 4*(int64(readS4(code, base+8))-int64(readS4(code, base+4))+1)
		} else {
			if len(code)-base < 8 {
				return 0
			}
			n = 8 + 8*int64(readS4(code, base+4))
		}
		if n < 0 || n > int64(len(code)-base) {
			return 0
		}
		return base - off + int(n)
	default:
		return fixedLength[f]
	}
}

func readU2(code []byte, at int) int { return int(binary.BigEndian.Uint16(code[at:])) }

func readS2(code []byte, at int) int { return int(int16(binary.BigEndian.Uint16(code[at:]))) }

func readS4(code []byte, at int) int32 { return int32(binary.BigEndian.Uint32(code[at:])) }

// DecodeAt decodes the instruction at offset off. The offset matters beyond
// bounds: switch padding aligns to the start of the code array, so code must
// be the whole array, not a slice starting at the instruction. A wide prefix
// is folded into the instruction it modifies (Op is iload, iinc... and Wide
// is set). See JVMS §6.5 and §6.5.wide.
func DecodeAt(code []byte, off int) (Instruction, error) {
	var in Instruction
	err := decodeAt(code, off, &in)
	return in, err
}

// decodeAt fills in, which must be zero, so that Decode can decode straight
// into its result slice instead of copying each instruction there.
func decodeAt(code []byte, off int, in *Instruction) error {
	in.Offset = off
	if off < 0 || off >= len(code) {
		return &DecodeError{Offset: off, Msg: "offset outside the code"}
	}
	op := Opcode(code[off])
	in.Op = op
	if !op.Valid() {
		return &DecodeError{Offset: off, Msg: fmt.Sprintf("unknown opcode 0x%02x", uint8(op))}
	}
	left := len(code) - off
	truncated := func(need int) error {
		return &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf("truncated (needs %d bytes, %d left)", need, left)}
	}
	f := opFormats[op]
	if n := fixedLength[f]; n > 0 {
		if left < n {
			return truncated(n)
		}
		in.Len = n
	}
	switch f {
	case fmtNone:
		if l := implicitLocal(op); l >= 0 {
			in.Index = l
		} else if op >= IconstM1 && op <= Iconst5 {
			in.Index = int(op) - int(Iconst0)
		}
	case fmtS1:
		in.Const = int(int8(code[off+1]))
	case fmtS2:
		in.Const = readS2(code, off+1)
	case fmtCP1, fmtLocal, fmtAtype:
		in.Index = int(code[off+1])
	case fmtCP2:
		in.Index = readU2(code, off+1)
	case fmtIinc:
		in.Index = int(code[off+1])
		in.Const = int(int8(code[off+2]))
	case fmtBranch2:
		in.Target = off + readS2(code, off+1)
	case fmtBranch4:
		in.Target = off + int(readS4(code, off+1))
	case fmtInvokeinterface:
		in.Index = readU2(code, off+1)
		in.Const = int(code[off+3])
		in.Zero = uint16(code[off+4])
	case fmtInvokedynamic:
		in.Index = readU2(code, off+1)
		in.Zero = uint16(readU2(code, off+3))
	case fmtMultianewarray:
		in.Index = readU2(code, off+1)
		in.Const = int(code[off+3])
	case fmtWide:
		if left < 2 {
			return truncated(2)
		}
		m := Opcode(code[off+1])
		if !m.Wideable() {
			what := m.String()
			if !m.Valid() {
				what = fmt.Sprintf("unknown opcode 0x%02x", uint8(m))
			}
			return &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf("cannot modify %s (only loads, stores, ret and iinc)", what)}
		}
		in.Op, in.Wide = m, true
		in.Len = instructionLength(m, true)
		if left < in.Len {
			return &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf("%s: truncated (needs %d bytes, %d left)", m, in.Len, left)}
		}
		in.Index = readU2(code, off+2)
		if m == Iinc {
			in.Const = readS2(code, off+4)
		}
	case fmtTableswitch, fmtLookupswitch:
		return decodeSwitch(code, off, in)
	}
	return nil
}

// decodeSwitch decodes tableswitch and lookupswitch, whose operands start at
// the next multiple of four from the start of the code. See JVMS §6.5.
func decodeSwitch(code []byte, off int, in *Instruction) error {
	op := in.Op
	p := pad(off)
	base := off + 1 + p
	fail := func(format string, args ...any) error {
		return &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf(format, args...)}
	}
	head := 12
	if op == Lookupswitch {
		head = 8
	}
	// Counts come from the input, so the needed length is checked (in 64
	// bits) against what is left before anything is allocated.
	truncated := func(need int64) error {
		return fail("truncated (needs %d bytes, %d left)", need, len(code)-off)
	}
	if len(code)-base < head {
		return truncated(int64(1 + p + head))
	}
	sw := &Switch{Default: off + int(readS4(code, base))}
	for _, b := range code[off+1 : base] {
		if b != 0 {
			sw.Pad = append([]byte(nil), code[off+1:base]...)
			break
		}
	}
	left := int64(len(code) - base - head)
	if op == Tableswitch {
		sw.Low, sw.High = readS4(code, base+4), readS4(code, base+8)
		if sw.Low > sw.High {
			return fail("low %d > high %d", sw.Low, sw.High)
		}
		n := int64(sw.High) - int64(sw.Low) + 1
		if n*4 > left {
			return truncated(int64(1+p+head) + n*4)
		}
		sw.Targets = make([]int, n)
		for i := range sw.Targets {
			sw.Targets[i] = off + int(readS4(code, base+12+4*i))
		}
		in.Switch, in.Len = sw, 1+p+12+4*int(n)
		return nil
	}
	n := int64(readS4(code, base+4))
	if n < 0 {
		return fail("negative npairs %d", n)
	}
	if n*8 > left {
		return truncated(int64(1+p+head) + n*8)
	}
	sw.Keys = make([]int32, n)
	sw.Targets = make([]int, n)
	for i := range sw.Keys {
		sw.Keys[i] = readS4(code, base+8+8*i)
		sw.Targets[i] = off + int(readS4(code, base+12+8*i))
	}
	in.Switch, in.Len = sw, 1+p+8+8*int(n)
	return nil
}

// Encode encodes instructions at their Offset fields, which must tile the
// code from 0 without gaps. Switch padding follows each switch's offset. For
// any code Decode accepts, Encode(Decode(code)) == code. Operands that do not
// fit their encoding are errors, never silently truncated. See JVMS §6.5.
func Encode(insns []Instruction) ([]byte, error) {
	size := 0
	if n := len(insns); n > 0 && insns[n-1].Offset >= 0 {
		// Only a capacity hint: a wrong Len or Offset merely costs a regrowth.
		size = insns[n-1].Offset + max(insns[n-1].Len, 0)
	}
	b := make([]byte, 0, min(size, 1<<20))
	for i := range insns {
		in := &insns[i]
		if in.Offset != len(b) {
			return nil, fmt.Errorf("instruction %d (%s) at offset %d, but the code so far is %d bytes", i, in.Op, in.Offset, len(b))
		}
		var err error
		if b, err = appendInsn(b, in); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func appendInsn(b []byte, in *Instruction) ([]byte, error) {
	off, op := in.Offset, in.Op
	fail := func(format string, args ...any) ([]byte, error) {
		return nil, &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf(format, args...)}
	}
	// fits reports the first operand outside its field's range.
	var bad string
	fits := func(what string, v, lo, hi int) bool {
		if bad == "" && (v < lo || v > hi) {
			bad = fmt.Sprintf("%s %d outside [%d, %d]", what, v, lo, hi)
		}
		return bad == ""
	}
	u1 := func(v int) { b = append(b, byte(v)) }
	u2 := func(v int) { b = binary.BigEndian.AppendUint16(b, uint16(v)) }
	u4 := func(v int) { b = binary.BigEndian.AppendUint32(b, uint32(int32(v))) }
	if !op.Valid() || op == Wide {
		return fail("not an encodable opcode")
	}
	if in.Wide {
		if !op.Wideable() {
			return fail("cannot be wide")
		}
		fits("local", in.Index, 0, 0xFFFF)
		if op == Iinc {
			fits("increment", in.Const, -0x8000, 0x7FFF)
		}
		if bad != "" {
			return fail("%s", bad)
		}
		b = append(b, byte(Wide), byte(op))
		u2(in.Index)
		if op == Iinc {
			u2(in.Const)
		}
		return b, nil
	}
	f := opFormats[op]
	switch f {
	case fmtS1:
		fits("value", in.Const, -0x80, 0x7F)
	case fmtS2:
		fits("value", in.Const, -0x8000, 0x7FFF)
	case fmtCP1, fmtLocal:
		if in.Index > 0xFF {
			if op == Ldc {
				return fail("index %d needs ldc_w", in.Index)
			}
			return fail("local %d needs wide", in.Index)
		}
		fits("index", in.Index, 0, 0xFF)
	case fmtAtype:
		fits("atype", in.Index, 0, 0xFF)
	case fmtCP2, fmtInvokedynamic:
		fits("index", in.Index, 0, 0xFFFF)
	case fmtIinc:
		if in.Index > 0xFF || in.Const < -0x80 || in.Const > 0x7F {
			return fail("local %d or increment %d needs wide", in.Index, in.Const)
		}
		fits("local", in.Index, 0, 0xFF)
	case fmtBranch2:
		fits("branch offset", in.Target-off, -0x8000, 0x7FFF)
	case fmtBranch4:
		fits("branch offset", in.Target-off, math.MinInt32, math.MaxInt32)
	case fmtInvokeinterface:
		fits("index", in.Index, 0, 0xFFFF)
		fits("count", in.Const, 0, 0xFF)
		fits("trailing byte", int(in.Zero), 0, 0xFF)
	case fmtMultianewarray:
		fits("index", in.Index, 0, 0xFFFF)
		fits("dimensions", in.Const, 0, 0xFF)
	case fmtTableswitch, fmtLookupswitch:
		return appendSwitch(b, in, fail)
	}
	if bad != "" {
		return fail("%s", bad)
	}
	b = append(b, byte(op))
	switch f {
	case fmtS1, fmtIinc:
		if f == fmtIinc {
			u1(in.Index)
		}
		u1(in.Const)
	case fmtS2:
		u2(in.Const)
	case fmtCP1, fmtLocal, fmtAtype:
		u1(in.Index)
	case fmtCP2:
		u2(in.Index)
	case fmtBranch2:
		u2(in.Target - off)
	case fmtBranch4:
		u4(in.Target - off)
	case fmtInvokeinterface:
		u2(in.Index)
		u1(in.Const)
		u1(int(in.Zero))
	case fmtInvokedynamic:
		u2(in.Index)
		u2(int(in.Zero))
	case fmtMultianewarray:
		u2(in.Index)
		u1(in.Const)
	}
	return b, nil
}

// appendSwitch encodes tableswitch and lookupswitch, refusing operands that
// Decode would reject so that whatever Encode writes decodes back. See JVMS
// §6.5 tableswitch and lookupswitch.
func appendSwitch(b []byte, in *Instruction, fail func(string, ...any) ([]byte, error)) ([]byte, error) {
	off, op, sw := in.Offset, in.Op, in.Switch
	if sw == nil {
		return fail("no switch operands")
	}
	rel := func(what string, t int) error {
		if d := t - off; d < math.MinInt32 || d > math.MaxInt32 {
			return &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf("%s %d is out of 32-bit range", what, t)}
		}
		return nil
	}
	if err := rel("default", sw.Default); err != nil {
		return nil, err
	}
	for _, t := range sw.Targets {
		if err := rel("target", t); err != nil {
			return nil, err
		}
	}
	if op == Tableswitch {
		if sw.Low > sw.High {
			return fail("low %d > high %d", sw.Low, sw.High)
		}
		if int64(sw.High)-int64(sw.Low)+1 != int64(len(sw.Targets)) {
			return fail("%d targets for low %d, high %d", len(sw.Targets), sw.Low, sw.High)
		}
	} else {
		if len(sw.Keys) != len(sw.Targets) {
			return fail("%d keys but %d targets", len(sw.Keys), len(sw.Targets))
		}
		if int64(len(sw.Keys)) > math.MaxInt32 {
			return fail("%d pairs do not fit npairs", len(sw.Keys))
		}
	}
	u4 := func(v int) { b = binary.BigEndian.AppendUint32(b, uint32(int32(v))) }
	b = append(b, byte(op))
	// The padding's value is not checked by the JVM; kept bytes reproduce odd
	// input exactly, but only where the instruction still needs that much.
	if p := pad(off); len(sw.Pad) == p {
		b = append(b, sw.Pad...)
	} else {
		b = append(b, make([]byte, p)...)
	}
	u4(sw.Default - off)
	if op == Tableswitch {
		u4(int(sw.Low))
		u4(int(sw.High))
		for _, t := range sw.Targets {
			u4(t - off)
		}
		return b, nil
	}
	u4(len(sw.Keys))
	for i, k := range sw.Keys {
		u4(int(k))
		u4(sw.Targets[i] - off)
	}
	return b, nil
}

// BranchTargets lists every offset the instruction may jump to: a branch's
// target, or a switch's default and then its cases (duplicates kept, in
// table order). ret's target is in a local, not the code, so it has none.
// See JVMS §4.10.2.2.
func (in *Instruction) BranchTargets() []int {
	switch {
	case in.Op.IsBranchOp():
		return []int{in.Target}
	case in.Switch != nil:
		return append([]int{in.Switch.Default}, in.Switch.Targets...)
	}
	return nil
}

// IsBranch reports whether the instruction is a branch or switch, the
// instructions with BranchTargets. See JVMS §6.5.
func (in *Instruction) IsBranch() bool { return opTraits[in.Op]&opBranch != 0 }

// IsReturn reports whether the instruction returns from the method
// (ireturn … return; athrow is not a return). See JVMS §6.5.
func (in *Instruction) IsReturn() bool { return in.Op.IsReturn() }

// EndsBlock reports whether control never falls through to the next
// instruction: goto, returns, athrow, switches, ret. jsr is not among them
// (the subroutine returns to the next instruction). See JVMS §4.10.2.2.
func (in *Instruction) EndsBlock() bool { return opTraits[in.Op]&opEnds != 0 }

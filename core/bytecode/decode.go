package bytecode

import (
	"encoding/binary"
	"fmt"
)

// Instruction is one decoded instruction. Offsets and targets are absolute
// positions in the code array.
type Instruction struct {
	Offset int
	Op     Opcode // for a wide-prefixed instruction, the modified opcode, with Wide set
	Wide   bool
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
	// Zero holds the trailing bytes of invokeinterface (one) and
	// invokedynamic (two), which should be zero; kept so that re-encoding
	// is byte-identical even for code the JVM tolerates.
	Zero uint16
	Len  int // encoded length in bytes, including prefix and padding
}

// Switch is the operand table of a tableswitch or lookupswitch. Targets
// holds High-Low+1 entries for tableswitch and one per key for lookupswitch.
type Switch struct {
	Default   int
	Low, High int32
	Keys      []int32
	Targets   []int
	// Pad is the padding as read, kept only when nonzero.
	Pad []byte
}

// DecodeError says where and why decoding failed.
type DecodeError struct {
	Offset int
	Op     Opcode
	Msg    string
}

func (e *DecodeError) Error() string {
	if e.Op == 0 && e.Msg != "" {
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
	if cap(out) == 0 {
		out = make([]Instruction, 0, len(code)/2+4)
	}
	for off := 0; off < len(code); {
		in, err := DecodeAt(code, off)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
		off += in.Len
	}
	return out, nil
}

// DecodeAt decodes the instruction at offset off.
func DecodeAt(code []byte, off int) (Instruction, error) {
	in := Instruction{Offset: off}
	if off < 0 || off >= len(code) {
		return in, &DecodeError{Offset: off, Msg: "offset outside the code"}
	}
	op := Opcode(code[off])
	in.Op = op
	if !op.Valid() {
		return in, &DecodeError{Offset: off, Msg: fmt.Sprintf("unknown opcode 0x%02x", uint8(op))}
	}
	left := len(code) - off
	need := func(n int) error {
		if left < n {
			return &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf("truncated (needs %d bytes, %d left)", n, left)}
		}
		return nil
	}
	u2 := func(at int) int { return int(binary.BigEndian.Uint16(code[at:])) }
	s2 := func(at int) int { return int(int16(binary.BigEndian.Uint16(code[at:]))) }
	s4 := func(at int) int32 { return int32(binary.BigEndian.Uint32(code[at:])) }

	f := opFormats[op]
	if n := fixedLength[f]; n > 0 {
		if err := need(n); err != nil {
			return in, err
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
		in.Const = s2(off + 1)
	case fmtCP1, fmtLocal, fmtAtype:
		in.Index = int(code[off+1])
	case fmtCP2:
		in.Index = u2(off + 1)
	case fmtIinc:
		in.Index = int(code[off+1])
		in.Const = int(int8(code[off+2]))
	case fmtBranch2:
		in.Target = off + s2(off+1)
	case fmtBranch4:
		in.Target = off + int(s4(off+1))
	case fmtInvokeinterface:
		in.Index = u2(off + 1)
		in.Const = int(code[off+3])
		in.Zero = uint16(code[off+4])
	case fmtInvokedynamic:
		in.Index = u2(off + 1)
		in.Zero = uint16(u2(off + 3))
	case fmtMultianewarray:
		in.Index = u2(off + 1)
		in.Const = int(code[off+3])
	case fmtWide:
		if err := need(2); err != nil {
			return in, err
		}
		m := Opcode(code[off+1])
		if !m.Wideable() {
			return in, &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf("cannot modify %s", m)}
		}
		in.Op, in.Wide = m, true
		in.Len = instructionLength(m, true)
		if err := need(in.Len); err != nil {
			return in, err
		}
		in.Index = u2(off + 2)
		if m == Iinc {
			in.Const = s2(off + 4)
		}
	case fmtTableswitch, fmtLookupswitch:
		return decodeSwitch(code, off, in)
	}
	return in, nil
}

// decodeSwitch decodes tableswitch and lookupswitch, whose operands start at
// the next multiple of four from the start of the code. See JVMS §6.5.
func decodeSwitch(code []byte, off int, in Instruction) (Instruction, error) {
	op := in.Op
	p := pad(off)
	base := off + 1 + p
	fail := func(format string, args ...any) (Instruction, error) {
		return in, &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf(format, args...)}
	}
	head := 12
	if op == Lookupswitch {
		head = 8
	}
	if len(code)-base < head {
		return fail("truncated (needs %d bytes, %d left)", 1+p+head, len(code)-off)
	}
	sw := &Switch{}
	in.Switch = sw
	for _, b := range code[off+1 : base] {
		if b != 0 {
			sw.Pad = append([]byte(nil), code[off+1:base]...)
			break
		}
	}
	s4 := func(at int) int32 { return int32(binary.BigEndian.Uint32(code[at:])) }
	sw.Default = off + int(s4(base))
	left := int64(len(code) - base - head)
	if op == Tableswitch {
		sw.Low, sw.High = s4(base+4), s4(base+8)
		if sw.Low > sw.High {
			return fail("low %d > high %d", sw.Low, sw.High)
		}
		n := int64(sw.High) - int64(sw.Low) + 1
		if n*4 > left {
			return fail("truncated (%d targets need %d bytes, %d left)", n, n*4, left)
		}
		sw.Targets = make([]int, n)
		for i := range sw.Targets {
			sw.Targets[i] = off + int(s4(base+12+4*i))
		}
		in.Len = 1 + p + 12 + 4*int(n)
		return in, nil
	}
	n := int64(s4(base + 4))
	if n < 0 {
		return fail("negative npairs %d", n)
	}
	if n*8 > left {
		return fail("truncated (%d pairs need %d bytes, %d left)", n, n*8, left)
	}
	sw.Keys = make([]int32, n)
	sw.Targets = make([]int, n)
	for i := range sw.Keys {
		sw.Keys[i] = s4(base + 8 + 8*i)
		sw.Targets[i] = off + int(s4(base+12+8*i))
	}
	in.Len = 1 + p + 8 + 8*int(n)
	return in, nil
}

// Encode encodes instructions at their Offset fields, which must tile the
// code from 0 without gaps. Switch padding follows each switch's offset. For
// any code Decode accepts, Encode(Decode(code)) == code.
func Encode(insns []Instruction) ([]byte, error) {
	var b []byte
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
	off := in.Offset
	op := in.Op
	fail := func(format string, args ...any) ([]byte, error) {
		return nil, &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf(format, args...)}
	}
	if !op.Valid() || op == Wide {
		return fail("cannot encode")
	}
	u2 := func(v int) { b = binary.BigEndian.AppendUint16(b, uint16(v)) }
	s4 := func(v int) { b = binary.BigEndian.AppendUint32(b, uint32(int32(v))) }
	rel2 := func(t int) error {
		d := t - off
		if d < -32768 || d > 32767 {
			return &DecodeError{Offset: off, Op: op, Msg: fmt.Sprintf("branch to %d is out of 16-bit range", t)}
		}
		u2(d)
		return nil
	}
	if in.Wide {
		if !op.Wideable() {
			return fail("cannot be wide")
		}
		b = append(b, byte(Wide), byte(op))
		u2(in.Index)
		if op == Iinc {
			u2(in.Const)
		}
		return b, nil
	}
	b = append(b, byte(op))
	switch opFormats[op] {
	case fmtNone:
	case fmtS1, fmtAtype:
		if opFormats[op] == fmtS1 {
			b = append(b, byte(int8(in.Const)))
		} else {
			b = append(b, byte(in.Index))
		}
	case fmtS2:
		u2(in.Const)
	case fmtCP1, fmtLocal:
		if in.Index > 0xFF {
			return fail("index %d needs %s", in.Index, map[bool]string{true: "ldc_w", false: "wide"}[op == Ldc])
		}
		b = append(b, byte(in.Index))
	case fmtCP2:
		u2(in.Index)
	case fmtIinc:
		if in.Index > 0xFF || in.Const < -128 || in.Const > 127 {
			return fail("index %d or increment %d needs wide", in.Index, in.Const)
		}
		b = append(b, byte(in.Index), byte(int8(in.Const)))
	case fmtBranch2:
		if err := rel2(in.Target); err != nil {
			return nil, err
		}
	case fmtBranch4:
		s4(in.Target - off)
	case fmtInvokeinterface:
		u2(in.Index)
		b = append(b, byte(in.Const), byte(in.Zero))
	case fmtInvokedynamic:
		u2(in.Index)
		u2(int(in.Zero))
	case fmtMultianewarray:
		u2(in.Index)
		b = append(b, byte(in.Const))
	case fmtTableswitch, fmtLookupswitch:
		sw := in.Switch
		if sw == nil {
			return fail("no switch operands")
		}
		p := pad(off)
		if len(sw.Pad) == p {
			b = append(b, sw.Pad...)
		} else {
			b = append(b, make([]byte, p)...)
		}
		s4(sw.Default - off)
		if op == Tableswitch {
			if int64(sw.High)-int64(sw.Low)+1 != int64(len(sw.Targets)) {
				return fail("%d targets for low %d, high %d", len(sw.Targets), sw.Low, sw.High)
			}
			s4(int(sw.Low))
			s4(int(sw.High))
			for _, t := range sw.Targets {
				s4(t - off)
			}
		} else {
			if len(sw.Keys) != len(sw.Targets) {
				return fail("%d keys but %d targets", len(sw.Keys), len(sw.Targets))
			}
			s4(len(sw.Keys))
			for i, k := range sw.Keys {
				s4(int(k))
				s4(sw.Targets[i] - off)
			}
		}
	}
	return b, nil
}

// BranchTargets lists every offset the instruction may jump to: a branch's
// target, or a switch's default and cases.
func (in *Instruction) BranchTargets() []int {
	switch {
	case in.Op.IsBranchOp():
		return []int{in.Target}
	case in.Switch != nil:
		return append([]int{in.Switch.Default}, in.Switch.Targets...)
	}
	return nil
}

// IsBranch reports whether the instruction is a branch or switch.
func (in *Instruction) IsBranch() bool {
	return in.Op.IsBranchOp() || in.Op == Tableswitch || in.Op == Lookupswitch
}

// IsReturn reports whether the instruction returns from the method.
func (in *Instruction) IsReturn() bool { return in.Op.IsReturn() }

// EndsBlock reports whether control never falls through to the next
// instruction: goto, returns, athrow, switches, ret. jsr is not among them
// (the subroutine returns to the next instruction).
func (in *Instruction) EndsBlock() bool {
	switch in.Op {
	case Goto, GotoW, Athrow, Tableswitch, Lookupswitch, Ret:
		return true
	}
	return in.Op.IsReturn() && !in.Wide
}

package bytecode

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// formatInsn is the text testdata/decode.txt expects for one instruction.
// Fields print when nonzero rather than by opcode, so that a field set where
// it should not be shows up as a difference.
func formatInsn(in *Instruction) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:", in.Offset)
	if in.Wide {
		b.WriteString("wide ")
	}
	b.WriteString(in.Op.String())
	if in.Index != 0 {
		fmt.Fprintf(&b, " index=%d", in.Index)
	}
	if in.Const != 0 {
		fmt.Fprintf(&b, " const=%d", in.Const)
	}
	if in.Op.IsBranchOp() || in.Target != 0 {
		fmt.Fprintf(&b, " target=%d", in.Target)
	}
	if in.Zero != 0 {
		fmt.Fprintf(&b, " zero=%d", in.Zero)
	}
	if sw := in.Switch; sw != nil {
		fmt.Fprintf(&b, " default=%d", sw.Default)
		if in.Op == Tableswitch || sw.Low != 0 || sw.High != 0 {
			fmt.Fprintf(&b, " low=%d high=%d", sw.Low, sw.High)
		}
		if len(sw.Keys) > 0 {
			fmt.Fprintf(&b, " keys=%s", joinInts(sw.Keys))
		}
		if len(sw.Targets) > 0 {
			fmt.Fprintf(&b, " targets=%s", joinInts(sw.Targets))
		}
		if sw.Pad != nil {
			fmt.Fprintf(&b, " pad=%x", sw.Pad)
		}
	}
	return b.String()
}

func joinInts[T int | int32](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

func formatInsns(insns []Instruction) string {
	s := make([]string, len(insns))
	for i := range insns {
		s[i] = formatInsn(&insns[i])
	}
	return strings.Join(s, "; ")
}

type decodeCase struct {
	line    int
	code    []byte
	want    string // decoded text, or the error message when fails is set
	fails   bool
	comment string
}

func readDecodeCases(t testing.TB) []decodeCase {
	f, err := os.Open("testdata/decode.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []decodeCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := decodeCase{line: n}
		hexPart, want, ok := strings.Cut(line, " => ")
		if !ok {
			hexPart, want, ok = strings.Cut(line, " !! ")
			c.fails = true
		}
		if !ok {
			t.Fatalf("decode.txt:%d: neither => nor !!", n)
		}
		c.code, err = hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(hexPart), " ", ""))
		if err != nil {
			t.Fatalf("decode.txt:%d: %v", n, err)
		}
		c.want = strings.TrimSpace(want)
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestDecodeTable runs testdata/decode.txt: decoded text or exact error
// message, re-encoding, and that the table covers every opcode.
func TestDecodeTable(t *testing.T) {
	cases := readDecodeCases(t)
	seen := map[Opcode]bool{}
	seenWide := map[Opcode]bool{}
	for _, c := range cases {
		insns, err := Decode(c.code)
		if c.fails {
			var de *DecodeError
			if err == nil {
				t.Errorf("decode.txt:%d: decoded to %q, want error %q", c.line, formatInsns(insns), c.want)
			} else if err.Error() != c.want {
				t.Errorf("decode.txt:%d:\n got error %q\nwant error %q", c.line, err, c.want)
			} else if !errors.As(err, &de) {
				t.Errorf("decode.txt:%d: %T, want a *DecodeError", c.line, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("decode.txt:%d: %v", c.line, err)
			continue
		}
		if got := formatInsns(insns); got != c.want {
			t.Errorf("decode.txt:%d:\n got %s\nwant %s", c.line, got, c.want)
		}
		checkTiling(t, fmt.Sprintf("decode.txt:%d", c.line), c.code, insns)
		out, err := Encode(insns)
		if err != nil {
			t.Errorf("decode.txt:%d: encode: %v", c.line, err)
		} else if !bytes.Equal(out, c.code) {
			t.Errorf("decode.txt:%d: re-encoded\n  %x\nwant\n  %x", c.line, out, c.code)
		}
		for _, in := range insns {
			if in.Wide {
				seenWide[in.Op] = true
			} else {
				seen[in.Op] = true
			}
		}
	}
	valid := 0
	for i := 0; i < 256; i++ {
		op := Opcode(i)
		if !op.Valid() {
			continue
		}
		valid++
		if op == Wide {
			if len(seenWide) == 0 {
				t.Errorf("decode.txt never decodes wide")
			}
			continue
		}
		if !seen[op] {
			t.Errorf("decode.txt never decodes %s", op)
		}
		if op.Wideable() && !seenWide[op] {
			t.Errorf("decode.txt never decodes wide %s", op)
		}
	}
	if valid != 202 {
		t.Errorf("%d valid opcodes, JVMS §6.5 defines 202", valid)
	}
	t.Logf("%d cases: all %d opcodes decoded, wide before each of the %d it may modify", len(cases), valid, len(seenWide))
}

// checkTiling checks that the instructions cover code exactly, in order.
func checkTiling(t testing.TB, where string, code []byte, insns []Instruction) {
	t.Helper()
	off := 0
	for _, in := range insns {
		if in.Offset != off || in.Len <= 0 {
			t.Fatalf("%s: %s at offset %d with length %d, expected offset %d", where, in.Op, in.Offset, in.Len, off)
		}
		off += in.Len
	}
	if off != len(code) {
		t.Fatalf("%s: instructions cover %d bytes of %d", where, off, len(code))
	}
}

// TestDecodeTableCuts cuts every decodable row of decode.txt at every byte:
// a cut at an instruction boundary decodes the instructions before it, a cut
// inside an instruction fails at that instruction's offset, and nothing
// panics.
func TestDecodeTableCuts(t *testing.T) {
	cuts := 0
	for _, c := range readDecodeCases(t) {
		if c.fails {
			continue
		}
		full, err := Decode(c.code)
		if err != nil {
			continue // reported by TestDecodeTable
		}
		for n := 0; n < len(c.code); n++ {
			cuts++
			insns, err := Decode(c.code[:n])
			k := 0 // instructions wholly before the cut
			for k < len(full) && full[k].Offset+full[k].Len <= n {
				k++
			}
			if k < len(full) && full[k].Offset < n {
				var de *DecodeError
				if !errors.As(err, &de) || de.Offset != full[k].Offset {
					t.Errorf("decode.txt:%d cut at %d: got %v, want an error at offset %d", c.line, n, err, full[k].Offset)
				}
				continue
			}
			if err != nil || formatInsns(insns) != formatInsns(full[:k]) {
				t.Errorf("decode.txt:%d cut at %d: got %q, %v; want %q", c.line, n, formatInsns(insns), err, formatInsns(full[:k]))
			}
		}
	}
	t.Logf("%d cuts", cuts)
}

func TestDecodeAtOutside(t *testing.T) {
	code := []byte{byte(Nop), byte(Return)}
	for _, off := range []int{-1, 2, 1 << 40} {
		_, err := DecodeAt(code, off)
		if err == nil || err.Error() != fmt.Sprintf("code offset %d: offset outside the code", off) {
			t.Errorf("DecodeAt(%d): %v", off, err)
		}
	}
	if insns, err := Decode(nil); err != nil || len(insns) != 0 {
		t.Errorf("Decode(nil) = %v, %v", insns, err)
	}
}

// TestImplicitIndex checks the documented convention that the short forms
// carry their implied operand in Index, the same as the long forms.
func TestImplicitIndex(t *testing.T) {
	for op := Iload0; op <= Astore3; op++ {
		if op > Aload3 && op < Istore0 {
			continue
		}
		in, err := DecodeAt([]byte{byte(op)}, 0)
		if err != nil {
			t.Fatal(err)
		}
		name := op.String()
		slot := int(name[len(name)-1] - '0')
		if in.Index != slot {
			t.Errorf("%s: Index %d, want %d", op, in.Index, slot)
		}
	}
}

// TestEncodeErrors: operands that do not fit their encoding, or
// inconsistent instructions, are refused rather than silently truncated.
func TestEncodeErrors(t *testing.T) {
	sw := func(s Switch) *Switch { return &s }
	for _, c := range []struct {
		in   Instruction
		want string
	}{
		{Instruction{Op: Bipush, Const: 128}, "code offset 0: bipush: value 128 outside [-128, 127]"},
		{Instruction{Op: Sipush, Const: -32769}, "code offset 0: sipush: value -32769 outside [-32768, 32767]"},
		{Instruction{Op: Ldc, Index: 256}, "code offset 0: ldc: index 256 needs ldc_w"},
		{Instruction{Op: Ldc, Index: -1}, "code offset 0: ldc: index -1 outside [0, 255]"},
		{Instruction{Op: Iload, Index: 256}, "code offset 0: iload: local 256 needs wide"},
		{Instruction{Op: Iload, Index: 70000, Wide: true}, "code offset 0: iload: local 70000 outside [0, 65535]"},
		{Instruction{Op: Iinc, Index: 1, Const: 200}, "code offset 0: iinc: local 1 or increment 200 needs wide"},
		{Instruction{Op: Iinc, Index: 1, Const: 40000, Wide: true}, "code offset 0: iinc: increment 40000 outside [-32768, 32767]"},
		{Instruction{Op: Iadd, Wide: true}, "code offset 0: iadd: cannot be wide"},
		{Instruction{Op: Getfield, Index: 65536}, "code offset 0: getfield: index 65536 outside [0, 65535]"},
		{Instruction{Op: Invokeinterface, Index: 1, Const: 256}, "code offset 0: invokeinterface: count 256 outside [0, 255]"},
		{Instruction{Op: Invokeinterface, Index: 1, Const: 1, Zero: 256}, "code offset 0: invokeinterface: trailing byte 256 outside [0, 255]"},
		{Instruction{Op: Multianewarray, Index: 1, Const: 256}, "code offset 0: multianewarray: dimensions 256 outside [0, 255]"},
		{Instruction{Op: Newarray, Index: 300}, "code offset 0: newarray: atype 300 outside [0, 255]"},
		{Instruction{Op: Goto, Target: 40000}, "code offset 0: goto: branch offset 40000 outside [-32768, 32767]"},
		{Instruction{Op: GotoW, Target: 1 << 40}, "code offset 0: goto_w: branch offset 1099511627776 outside [-2147483648, 2147483647]"},
		{Instruction{Op: Wide}, "code offset 0: wide: not an encodable opcode"},
		{Instruction{Op: Opcode(0xca)}, "code offset 0: opcode_202: not an encodable opcode"},
		{Instruction{Op: Tableswitch}, "code offset 0: tableswitch: no switch operands"},
		{Instruction{Op: Tableswitch, Switch: sw(Switch{Low: 1, High: 0})}, "code offset 0: tableswitch: low 1 > high 0"},
		{Instruction{Op: Tableswitch, Switch: sw(Switch{Low: 0, High: 1, Targets: []int{0}})}, "code offset 0: tableswitch: 1 targets for low 0, high 1"},
		{Instruction{Op: Lookupswitch, Switch: sw(Switch{Keys: []int32{1}})}, "code offset 0: lookupswitch: 1 keys but 0 targets"},
		{Instruction{Op: Lookupswitch, Switch: sw(Switch{Default: 1 << 40})}, "code offset 0: lookupswitch: default 1099511627776 is out of 32-bit range"},
	} {
		_, err := Encode([]Instruction{c.in})
		if err == nil || err.Error() != c.want {
			t.Errorf("Encode(%s): got %v, want %q", formatInsn(&c.in), err, c.want)
		}
	}
	_, err := Encode([]Instruction{{Op: Nop, Len: 1}, {Offset: 2, Op: Return}})
	if want := "instruction 1 (return) at offset 2, but the code so far is 1 bytes"; err == nil || err.Error() != want {
		t.Errorf("gap: got %v, want %q", err, want)
	}
}

// TestEncodeMovedSwitch: padding kept from one offset is not reused at
// another, where its length would be wrong.
func TestEncodeMovedSwitch(t *testing.T) {
	code := []byte{byte(Tableswitch), 1, 2, 3, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16}
	insns, err := Decode(code)
	if err != nil {
		t.Fatal(err)
	}
	moved := []Instruction{{Op: Nop, Len: 1}, insns[0]}
	moved[1].Offset = 1
	out, err := Encode(moved)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := formatInsns(back), "0:nop; 1:tableswitch default=16 low=0 high=0 targets=16"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestBlockHelpers(t *testing.T) {
	code := []byte{
		byte(Iload1), byte(Ifeq), 0, 5, // 0, 1
		byte(Goto), 0, 0, // 4
		byte(Jsr), 0, 0, // 7
		byte(Ret), 1, // 10
		byte(Athrow),  // 12
		byte(Ireturn), // 13
		byte(Return),  // 14
		// 15: lookupswitch, no padding, default 15, one pair 7 → 14
		byte(Lookupswitch), 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff,
	}
	insns, err := Decode(code)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		branch, ret, ends bool
		targets           string
	}
	wants := []want{
		{},
		{branch: true, targets: "6"},
		{branch: true, ends: true, targets: "4"},
		{branch: true, targets: "7"},
		{ends: true},
		{ends: true},
		{ret: true, ends: true},
		{ret: true, ends: true},
		{branch: true, ends: true, targets: "15,14"},
	}
	if len(insns) != len(wants) {
		t.Fatalf("%d instructions: %s", len(insns), formatInsns(insns))
	}
	for i, w := range wants {
		in := &insns[i]
		got := want{in.IsBranch(), in.IsReturn(), in.EndsBlock(), joinInts(in.BranchTargets())}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", formatInsn(in), got, w)
		}
	}
}

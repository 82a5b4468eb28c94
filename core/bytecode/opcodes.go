// Package bytecode decodes, encodes and edits JVM bytecode, and computes the
// stack-map frames and max values that HotSpot's verifier checks. See JVMS
// chapter 6 (instructions) and §4.10 (verification).
package bytecode

import "strconv"

// Opcode is one JVM instruction's opcode byte.
type Opcode uint8

// String returns the mnemonic javap prints for the opcode, the names of JVMS
// §6.5 (and §7). Opcodes that do not exist print as opcode_<n>, so that an
// error message about bad code can still name what it found.
func (o Opcode) String() string {
	if n := opNames[o]; n != "" {
		return n
	}
	return "opcode_" + strconv.Itoa(int(o))
}

// Valid reports whether o is an opcode Java SE 17 defines (202 of them;
// breakpoint and impdep1/2 are reserved and never appear in class files).
// See JVMS §6.2.
func (o Opcode) Valid() bool { return opTraits[o]&opValid != 0 }

// opTraits holds, by opcode, the traits the decoder and the analysis ask
// of every instruction: a table lookup instead of comparisons.
var opTraits = func() (t [256]uint8) {
	for o := range t {
		op := Opcode(o)
		if opNames[o] != "" {
			t[o] |= opValid
			if opFormats[o] == fmtNone {
				t[o] |= opOneByte
			}
		}
		if f := opFormats[o]; f == fmtBranch2 || f == fmtBranch4 {
			t[o] |= opBranch | opBranchOp
		}
		switch op {
		case Tableswitch, Lookupswitch:
			t[o] |= opBranch | opEnds
		case Goto, GotoW, Athrow, Ret:
			t[o] |= opEnds
		}
		if op >= Ireturn && op <= Return {
			t[o] |= opEnds
		}
	}
	return t
}()

// Trait bits of opTraits.
const (
	opValid    = 1 << iota // Valid
	opBranchOp             // IsBranchOp: one target
	opBranch               // Instruction.IsBranch: a branch or a switch
	opEnds                 // Instruction.EndsBlock: never falls through
	opOneByte              // a valid opcode without operands
)

// format is the shape of an instruction's operands.
type format uint8

const (
	fmtNone            format = iota // no operands
	fmtS1                            // bipush: signed byte
	fmtS2                            // sipush: signed short
	fmtCP1                           // ldc: u1 constant-pool index
	fmtCP2                           // u2 constant-pool index
	fmtLocal                         // u1 local index (u2 under wide)
	fmtIinc                          // u1 index, s1 const (u2, s2 under wide)
	fmtBranch2                       // s2 branch offset
	fmtBranch4                       // s4 branch offset
	fmtTableswitch                   // padding, default, low, high, offsets
	fmtLookupswitch                  // padding, default, npairs, pairs
	fmtInvokeinterface               // u2 index, u1 count, u1 zero
	fmtInvokedynamic                 // u2 index, two zero bytes
	fmtAtype                         // newarray: u1 array type
	fmtWide                          // the wide prefix
	fmtMultianewarray                // u2 index, u1 dimensions
)

// fixedLength is the encoded length of instructions of each format, 0 for
// the variable-length switches and wide.
var fixedLength = [...]int{
	fmtNone: 1, fmtS1: 2, fmtS2: 3, fmtCP1: 2, fmtCP2: 3, fmtLocal: 2, fmtIinc: 3,
	fmtBranch2: 3, fmtBranch4: 5, fmtInvokeinterface: 5, fmtInvokedynamic: 5,
	fmtAtype: 2, fmtMultianewarray: 4,
}

// instructionLength is the length of a fixed-length instruction, with the
// wide prefix when wide is set (JVMS §6.5.wide: 4 bytes, 6 for iinc).
func instructionLength(op Opcode, wide bool) int {
	if wide {
		if op == Iinc {
			return 6
		}
		return 4
	}
	return fixedLength[opFormats[op]]
}

// IsBranchOp reports whether o jumps to a single target: the conditional
// branches, goto, jsr and their wide forms. See JVMS §6.5 (if<cond>,
// if_icmp<cond>, if_acmp<cond>, ifnull, ifnonnull, goto, goto_w, jsr, jsr_w).
func (o Opcode) IsBranchOp() bool { return opTraits[o]&opBranchOp != 0 }

// IsReturn reports whether o returns from the method: ireturn, lreturn,
// freturn, dreturn, areturn, return. See JVMS §6.5.
func (o Opcode) IsReturn() bool { return o >= Ireturn && o <= Return }

// Wideable reports whether the wide prefix may modify o. See JVMS §6.5.wide.
func (o Opcode) Wideable() bool {
	return opFormats[o] == fmtLocal || o == Iinc
}

// implicitLocal gives the local slot of the short forms (iload_2 → 2), -1
// for others; Decode puts it in Index so that clients need not care which
// form the compiler chose.
func implicitLocal(o Opcode) int {
	switch {
	case o >= Iload0 && o <= Aload3:
		return int(o-Iload0) % 4
	case o >= Istore0 && o <= Astore3:
		return int(o-Istore0) % 4
	}
	return -1
}

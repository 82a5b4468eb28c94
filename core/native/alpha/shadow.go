package alpha

import (
	"strings"
)

// Trap shadows (Alpha Architecture Reference Manual §4.7.7.3, "Trap
// Shadow Rules"). An instruction with the /s qualifier may trap for
// software completion: the hardware reports the trap some instructions
// later, and the operating system's handler finds the trapping instruction
// by backing up to the last trapb and re-executes it with the operands it
// finds in the registers. So until a trapb closes the shadow that follows
// a trapping instruction:
//
//   - no instruction may write a register a trapping instruction of the
//     shadow reads or writes (its operands must be there to redo it, and its
//     result written once);
//   - no branch, jump, call or return may leave it, and no label may be
//     reached from elsewhere inside it (the handler backs up along a line).
//
// Code for the EV4, whose float traps are imprecise, keeps these rules
// (CPU.TrapShadows). qemu completes every instruction exactly and ignores
// trapb, so no run under it can show a broken shadow: shadow_test.go
// checks the rules on the text, its checker first shown to accept what
// gcc -mieee emits. The pass does what gcc does (alpha_handle_trap_shadows):
// one trapb where a shadow must end, several trapping instructions sharing
// one shadow where their registers allow.

// closeTrapShadows inserts trapb into one function's assembly text (one
// instruction or directive a line) where the rules above need it.
func closeTrapShadows(asm string) string {
	lines := strings.SplitAfter(asm, "\n")
	var sb strings.Builder
	sb.Grow(len(asm) + len(asm)/16)
	open := false
	var used, defd regSet // of the open shadow's instructions
	macro := false        // inside .set macro: the assembler may add instructions
	closeShadow := func() {
		if open {
			sb.WriteString("\ttrapb\n")
			open = false
			used, defd = 0, 0
		}
	}
	for _, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
		case strings.HasSuffix(t, ":"): // a label, .L ones included
			closeShadow()
		case strings.HasPrefix(t, ".set macro"):
			closeShadow()
			macro = true
		case strings.HasPrefix(t, ".set nomacro"):
			macro = false
		case strings.HasPrefix(t, "."):
			// Directives: .end and section changes close, the rest are
			// no instructions.
			if strings.HasPrefix(t, ".end") || strings.HasPrefix(t, ".section") || strings.HasPrefix(t, ".text") || strings.HasPrefix(t, ".align") {
				closeShadow()
			}
		default:
			in := parseInsn(t)
			switch {
			case in.op == "trapb" || in.op == "excb":
				open = false
				used, defd = 0, 0
			case macro || in.control:
				closeShadow()
			case open && (in.defd.meets(defd) || in.defd.meets(used)):
				closeShadow()
			}
			if open || in.traps {
				open = true
				used = used.union(in.used)
				defd = defd.union(in.defd)
			}
		}
		sb.WriteString(line)
	}
	closeShadow()
	return sb.String()
}

// regSet is a set of registers: the integer ones in the low 32 bits, the
// float ones in the high 32; $31 and $f31 (always zero) never in it.
type regSet uint64

func (s regSet) union(o regSet) regSet { return s | o }
func (s regSet) meets(o regSet) bool   { return s&o != 0 }

// insn is what the shadow rules need of one instruction.
type insn struct {
	op         string
	used, defd regSet
	traps      bool // a /s qualifier: software completion
	control    bool // a branch, jump, call or return
}

// parseInsn reads an instruction of the back end's: "op a,b,c" with
// registers as $N and $fN, a memory operand as disp($N). A load's
// destination is its first operand, a store has none, any other
// instruction's is its last register.
func parseInsn(t string) insn {
	op, args, _ := strings.Cut(t, " ")
	if i := strings.IndexByte(args, '!'); i >= 0 {
		args = args[:i] // a relocation annotation
	}
	in := insn{op: op}
	base, qual, _ := strings.Cut(op, "/")
	in.traps = strings.HasPrefix(qual, "s")
	switch base {
	case "br", "bsr", "jsr", "jmp", "ret", "jsr_coroutine", "beq", "bne", "blt", "ble", "bgt", "bge",
		"blbc", "blbs", "fbeq", "fbne", "fblt", "fble", "fbgt", "fbge", "call_pal":
		in.control = true
	}
	var regs []regSet
	for _, a := range strings.Split(args, ",") {
		a = strings.TrimSpace(a)
		if i := strings.IndexByte(a, '('); i >= 0 {
			in.used |= register(strings.TrimSuffix(a[i+1:], ")"))
			continue
		}
		regs = append(regs, register(a))
	}
	if len(regs) == 0 {
		return in
	}
	switch {
	case strings.HasPrefix(base, "ld"):
		in.defd = regs[0]
		for _, r := range regs[1:] {
			in.used |= r
		}
	case strings.HasPrefix(base, "st"):
		for _, r := range regs {
			in.used |= r
		}
	default:
		in.defd = regs[len(regs)-1]
		for _, r := range regs[:len(regs)-1] {
			in.used |= r
		}
	}
	return in
}

// register is the set of the one register operand a names, empty for a
// literal or a zero register.
func register(a string) regSet {
	if !strings.HasPrefix(a, "$") {
		return 0
	}
	float := strings.HasPrefix(a, "$f")
	digits := strings.TrimPrefix(strings.TrimPrefix(a, "$"), "f")
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	if digits == "" || n >= 31 {
		return 0
	}
	if float {
		n += 32
	}
	return 1 << n
}

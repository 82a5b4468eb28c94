package alpha

import "strings"

// The Alpha has no integer divide instruction (AARM §4.4: only MULL/MULQ/UMULH),
// so idiv/irem/ldiv/lrem call a routine. We write our own instead of calling
// libgcc's __divq/__remq: those follow a special convention too, but they come
// from the C library's world (their semantics for MIN_VALUE / -1 are C's
// undefined behaviour, and linking them ties every object to libgcc), while
// Java fixes the result exactly (JLS §15.17.2: truncation toward zero,
// MIN_VALUE / -1 == MIN_VALUE; §15.17.3: the remainder takes the dividend's
// sign, MIN_VALUE % -1 == 0). The divisor is never zero here: the compiled
// code tests it first and throws ArithmeticException (JVMS §6.5 idiv).
//
// The convention, chosen so that a division disturbs few registers and the
// register allocator need only keep values out of five:
//
//	in:  $24 (t10) dividend, $25 (t11) divisor, both 64-bit (an int sign-extended)
//	call: bsr $23, dvm_divrem           ($23 = t9 holds the return address)
//	out: $27 (t12) quotient, $24 (t10) remainder
//	clobbers $23, $24, $25, $27, $28; every other register is preserved.
//
// For ints the caller sign-extends the 64-bit quotient with addl, which is
// exactly Java's wrap of MIN_VALUE / -1 = 2^31 to MIN_VALUE.
//
// The routine divides magnitudes by restoring shift-and-subtract, one bit a
// step and without branches inside the loop (cmpule + cmovne), then gives the
// quotient the sign of a^b and the remainder the sign of a. When the dividend's
// magnitude fits in 32 bits (every int division) it starts 32 bits in and runs
// 32 steps instead of 64. |MIN_VALUE| stays 2^63 as an unsigned magnitude, so
// MIN_VALUE needs no special case.

// DivRemSymbol is the routine's label, local to each object that uses it.
const DivRemSymbol = "dvm_divrem"

// DivRemClobbers are the integer registers a call to the routine may change.
var DivRemClobbers = []Reg{T9, T10, T11, T12, AT}

// divRemBody is the routine's instructions in GNU as syntax, LOOP standing
// for its loop label. They touch no BWX instruction and no GP, so they are
// the same for every CPU and reachable by bsr.
const divRemBody = `
	lda $30,-32($30)
	stq $1,0($30)
	stq $2,8($30)
	stq $3,16($30)
	stq $4,24($30)
	xor $24,$25,$1
	cmplt $24,$31,$2
	subq $31,$24,$3
	cmovlt $24,$3,$24
	subq $31,$25,$3
	cmovlt $25,$3,$25
	mov $31,$27
	lda $28,64($31)
	srl $24,32,$3
	bne $3,LOOP
	sll $24,32,$24
	lda $28,32($31)
LOOP:
	srl $24,63,$3
	addq $27,$27,$27
	bis $27,$3,$27
	addq $24,$24,$24
	cmpule $25,$27,$3
	subq $27,$25,$4
	cmovne $3,$4,$27
	bis $24,$3,$24
	subq $28,1,$28
	bne $28,LOOP
	subq $31,$24,$3
	cmovlt $1,$3,$24
	subq $31,$27,$3
	cmovne $2,$3,$27
	mov $24,$3
	mov $27,$24
	mov $3,$27
	ldq $1,0($30)
	ldq $2,8($30)
	ldq $3,16($30)
	ldq $4,24($30)
	lda $30,32($30)
	ret $31,($23),1
`

// divRem is the routine under the label name, its loop label made from it.
func divRem(name string) string {
	return name + ":\n" + strings.ReplaceAll(divRemBody, "LOOP", name+"_loop")
}

// DivRemText returns the routine as a procedure of its own, global symbol
// DivRemSymbol. Lower places a private copy inside each method that divides,
// so the methods' texts still concatenate into one file.
func DivRemText() string {
	return "\t.text\n\t.align 4\n\t.globl " + DivRemSymbol + "\n\t.ent " + DivRemSymbol + "\n" +
		"\t.frame $30,32,$23,0\n\t.prologue 0\n" + divRem(DivRemSymbol) + "\t.end " + DivRemSymbol + "\n"
}

package alpha

import "fmt"

// Reg is an integer register $0-$31 (AARM §3.1.1). The names are the
// calling standard's.
type Reg uint8

const (
	V0   Reg = 0 // result
	T0   Reg = 1 // t0-t7: $1-$8, caller-saved
	T7   Reg = 8
	S0   Reg = 9 // s0-s5: $9-$14, callee-saved
	S5   Reg = 14
	FP   Reg = 15 // s6/fp, callee-saved
	A0   Reg = 16 // a0-a5: $16-$21, arguments
	A5   Reg = 21
	T8   Reg = 22
	T9   Reg = 23 // the division routine's return address
	T10  Reg = 24 // its dividend, then the remainder
	T11  Reg = 25 // its divisor
	RA   Reg = 26
	T12  Reg = 27 // pv: the procedure value on calls; the quotient
	AT   Reg = 28 // the assembler's temporary
	GP   Reg = 29
	SP   Reg = 30
	Zero Reg = 31
)

func (r Reg) String() string { return fmt.Sprintf("$%d", uint8(r)) }

// FReg is a floating-point register $f0-$f31 ($f31 reads as 0.0).
type FReg uint8

const (
	F0    FReg = 0 // result
	F2    FReg = 2 // f2-f9 callee-saved
	F9    FReg = 9
	F10   FReg = 10 // f10-f15 caller-saved
	F16   FReg = 16 // f16-f21 arguments
	F21   FReg = 21
	F22   FReg = 22 // f22-f30 caller-saved
	F30   FReg = 30
	FZero FReg = 31
)

func (r FReg) String() string { return fmt.Sprintf("$f%d", uint8(r)) }

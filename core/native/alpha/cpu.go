// Package alpha is the network compiler's back end for the DEC Alpha
// (Alpha Architecture Reference Manual, 4th ed., hereafter AARM): instruction
// selection from the compiler's IR, linear-scan register allocation, and GNU
// assembler text for alpha-linux-gnu-as. The code follows the OSF/Linux
// calling convention (AARM's software appendix; the "Alpha Calling Standard"):
// arguments in $16-$21 / $f16-$f21, results in $0 / $f0, return address in
// $26, the procedure value in $27, the GP in $29 set by ldgp, $30 the stack
// pointer kept 16-byte aligned.
package alpha

import "fmt"

// CPU is the implementation the code is selected for. The two that differ
// for us are the EV4 (21064), without the byte/word extension, and the
// EV67 (21264A), with BWX (ldbu/ldwu/stb/stw/sextb/sextw, AARM §4.2, §4.7).
type CPU int

const (
	EV4 CPU = iota
	EV67
)

// BWX reports whether the CPU has the byte/word extension.
func (c CPU) BWX() bool { return c == EV67 }

// TrapShadows reports whether software completion needs trap shadows kept
// (shadow.go): on the EV4, whose float traps are imprecise. gcc -mieee
// keeps them for ev4 to ev56 and for ev6 and later emits no trapb, the
// 21264 reporting the trapping instruction itself.
func (c CPU) TrapShadows() bool { return c == EV4 }

func (c CPU) String() string {
	switch c {
	case EV4:
		return "ev4"
	case EV67:
		return "ev67"
	}
	return fmt.Sprintf("CPU(%d)", int(c))
}

// ParseCPU reads "ev4" or "ev67" (the default is ev67, the last Alpha sold).
func ParseCPU(s string) (CPU, error) {
	switch s {
	case "ev4", "EV4", "21064":
		return EV4, nil
	case "", "ev67", "EV67", "21264a":
		return EV67, nil
	}
	return 0, fmt.Errorf("alpha: unknown cpu %q (ev4 or ev67)", s)
}

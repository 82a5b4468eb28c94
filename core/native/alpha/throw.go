package alpha

import (
	"fmt"
	"sort"

	"dvmlab/core/native"
	"dvmlab/core/native/ir"
)

// throwWith returns the label a failing check of op branches to: out of
// line, it puts the operands a and b of the exception's message (registers,
// or for b an 8-bit literal) in $17 and $18 and goes on to the kind's stub.
func (e *emitter) throwWith(op ir.Op, a, b string) string {
	l := e.newLabel()
	stub := e.throwLabel(op)
	e.tramps = append(e.tramps, func() {
		e.putLabel(l)
		// Through $28: a or b may live in $17 or $18 themselves.
		e.ins("bis $31,%s,$28", a)
		if b != "" {
			e.ins("bis $31,%s,$18", b)
		}
		e.ins("bis $31,$28,$17")
		e.ins("br %s", stub)
	})
	return l
}

// npeLabel returns the label of the stub that throws a
// NullPointerException with msg (the front end's JEP 358 text; "" for none).
func (e *emitter) npeLabel(msg string) string {
	if e.npes == nil {
		e.npes = map[string]string{}
	}
	if l, ok := e.npes[msg]; ok {
		return l
	}
	l := fmt.Sprintf(".L%s_npe%d", e.sym, len(e.npes))
	e.npes[msg] = l
	return l
}

func (e *emitter) npeStubs() {
	msgs := make([]string, 0, len(e.npes))
	for m := range e.npes {
		msgs = append(msgs, m)
	}
	sort.Strings(msgs)
	for _, m := range msgs {
		l := e.npes[m]
		e.putLabel(l)
		e.ins("lda $16,%d($31)", Kinds["java/lang/NullPointerException"])
		if m == "" {
			e.ins("mov $31,$19")
		} else {
			c := e.constant(fmt.Sprintf("\t.asciz \"%s\"\n\t.align 3\n", native.Asciz(m)))
			e.ins("ldah $19,%s($29) !gprelhigh", c)
			e.ins("lda $19,%s($19) !gprellow", c)
		}
		e.call("dvm_throw")
	}
}

// stackCheck is the prologue's test of the stack pointer against the
// runtime's dvm_stack_limit.
func (e *emitter) stackCheck() {
	e.ins("ldq $28,dvm_stack_limit($29) !literal")
	e.ins("ldq $28,0($28)")
	e.ins("cmpult $30,$28,$28")
	k := Kinds["java/lang/StackOverflowError"]
	e.throws[k] = true
	e.ins("bne $28,.L%s_throw%d", e.sym, k)
}
